/**
 * Queue delays weighted by the work that waited them. Fine buckets (1 s) up to an hour, then
 * 1% wide ones, so a p99 of 40 s and one of 9 h are both read to within a second or a percent
 * in a few kilobytes. Zero delay is kept apart: an idle queue is the common case and must read
 * as exactly 0, not "somewhere in the first second".
 */
const FINE_LIMIT_S = 3600;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);

const indexOf = (d: number): number => (d < FINE_LIMIT_S ? Math.floor(d) : FINE_LIMIT_S + Math.floor(Math.log(d / FINE_LIMIT_S) / LOG_GROWTH));
const lowOf = (i: number): number => (i < FINE_LIMIT_S ? i : FINE_LIMIT_S * GROWTH ** (i - FINE_LIMIT_S));

export class DelayHistogram {
  private readonly weights: number[] = [];
  private zero = 0;
  private total = 0;
  private weighted = 0;
  max = 0;

  /** Adds `weight` units of work whose delays spread evenly from `d0` to `d1` seconds. */
  add(weight: number, d0: number, d1: number): void {
    if (weight <= 0) return;
    let lo = Math.max(0, Math.min(d0, d1));
    const hi = Math.max(0, d0, d1);
    this.total += weight;
    this.weighted += (weight * (lo + hi)) / 2;
    if (hi > this.max) this.max = hi;
    if (hi < 1e-9) {
      this.zero += weight;
      return;
    }
    const span = hi - lo;
    if (span < 1e-9) return this.put(indexOf(lo), weight);
    while (lo < hi) {
      let i = indexOf(lo);
      // Floating point can put a bucket's computed top at or below `lo`: step past it, or this never ends.
      while (lowOf(i + 1) <= lo) i++;
      const end = Math.min(hi, lowOf(i + 1));
      this.put(i, (weight * (end - lo)) / span);
      lo = end;
    }
  }

  /** The delay below which `p` (0..100) percent of the work waited; 0 with no work. */
  percentile(p: number): number {
    if (this.total <= 0) return 0;
    if (p >= 100) return this.max;
    const target = (p / 100) * this.total;
    if (target <= this.zero) return 0;
    let cum = this.zero;
    for (let i = 0; i < this.weights.length; i++) {
      const w = this.weights[i] ?? 0;
      if (w > 0 && cum + w >= target) {
        const lo = lowOf(i);
        return Math.min(this.max, lo + ((lowOf(i + 1) - lo) * (target - cum)) / w);
      }
      cum += w;
    }
    return this.max;
  }

  mean(): number {
    return this.total > 0 ? this.weighted / this.total : 0;
  }

  private put(i: number, w: number): void {
    while (this.weights.length <= i) this.weights.push(0);
    this.weights[i]! += w;
  }
}
