/**
 * A small seeded pseudo-random generator (mulberry32), so the sim cloud, the planner and
 * tests draw the same numbers on every run. Its whole state is one 32-bit integer, which the
 * sim persists with the rest of the cloud so a reloaded cloud keeps drawing the same sequence.
 * Not for anything secret.
 */
export interface RandomState {
  s: number;
}

export class Random {
  private s: number;

  constructor(seedOrState: number | RandomState = 1) {
    this.s = (typeof seedOrState === 'number' ? seedOrState : seedOrState.s) >>> 0;
  }

  /** A copy of the state; `new Random(state)` continues the sequence from here. */
  state(): RandomState {
    return { s: this.s };
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max); `min` when the range is empty. */
  uniform(min: number, max: number): number {
    return max <= min ? min : min + (max - min) * this.next();
  }

  /** An exponentially distributed wait in ms for events at `ratePerMs`; Infinity when the rate is 0. */
  exponential(ratePerMs: number): number {
    const u = this.next();
    if (ratePerMs <= 0) return Number.POSITIVE_INFINITY;
    return -Math.log(1 - u) / ratePerMs;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * Math.max(0, Math.floor(n)));
  }
}
