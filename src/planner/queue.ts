import { DelayHistogram } from './delay-histogram.js';

/** Work that arrived evenly over [t0, t1] (seconds), `amount` units of it still queued. */
interface Arrival {
  amount: number;
  t0: number;
  t1: number;
}

const EPS = 1e-9;

/**
 * A first-in first-out queue of fluid work. Each step, work arrives at a constant rate and
 * ready machines serve it at theirs; within a step both are straight lines, so matching the
 * cumulative arrival and departure curves gives every unit of work its exact wait. That is
 * what makes a hand calculation and the replay agree to the last digit.
 */
export class FluidQueue {
  delays = new DelayHistogram();
  backlog = 0;
  arrived = 0;
  served = 0;
  /** Arrival time (seconds) during which arriving work waited longer than the SLO. */
  overSlo = 0;
  private readonly queue: Arrival[] = [];
  private head = 0;

  constructor(private readonly sloSeconds: number) {}

  /** Forgets the figures so far (a warm-up's), keeping the work still queued. */
  resetFigures(): void {
    this.delays = new DelayHistogram();
    this.arrived = this.served = this.overSlo = 0;
  }

  /** One step of `dt` seconds from `t`: `lambda` work/s arrives, `mu` work/s can be served. Returns work served. */
  step(t: number, dt: number, lambda: number, mu: number): number {
    const a = lambda * dt;
    if (a > 0) this.queue.push({ amount: a, t0: t, t1: t + dt });
    this.arrived += a;
    const b = this.backlog;
    // The server runs flat out until the queue empties (if it does within the step), then keeps pace with arrivals.
    const drainS = mu > lambda ? b / (mu - lambda) : Number.POSITIVE_INFINITY;
    let out: number;
    if (drainS >= dt) {
      out = Math.min(b + a, mu * dt);
      this.depart(out, t, t + dt);
    } else {
      this.depart(mu * drainS, t, t + drainS);
      this.depart(lambda * (dt - drainS), t + drainS, t + dt);
      out = mu * drainS + lambda * (dt - drainS);
    }
    this.backlog = Math.max(0, b + a - out);
    if (this.backlog < EPS) this.backlog = 0;
    this.served += out;
    return out;
  }

  /** Age in seconds at `t` of the oldest work still queued: the delay a dashboard would show. */
  oldestAge(t: number): number {
    const q = this.queue[this.head];
    return q && this.backlog > 0 ? Math.max(0, t - q.t0) : 0;
  }

  /** Ends the run: what is still queued leaves at `mu` from `t` (or is counted as waiting until `t` when nothing serves). */
  finish(t: number, mu: number): void {
    if (this.backlog <= 0) return;
    if (mu > 0) this.depart(this.backlog, t, t + this.backlog / mu);
    else this.depart(this.backlog, t, t);
  }

  /** `amount` units leave evenly over [d0, d1]; each matched slice of arrivals gets its delays. */
  private depart(amount: number, d0: number, d1: number): void {
    let left = amount;
    let at = d0;
    const rate = amount > 0 ? (d1 - d0) / amount : 0;
    while (left > EPS && this.head < this.queue.length) {
      const q = this.queue[this.head]!;
      const take = Math.min(q.amount, left);
      // The rest of q arrived evenly over [t0, t1]: its first `take` units over the start of that span.
      const a0 = q.t0;
      const a1 = q.amount > 0 ? q.t0 + ((q.t1 - q.t0) * take) / q.amount : q.t0;
      const e0 = at;
      const e1 = at + take * rate;
      this.record(take, a0, a1, e0 - a0, e1 - a1);
      q.amount -= take;
      q.t0 = a1;
      if (q.amount <= EPS) this.head++;
      left -= take;
      at = e1;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private record(w: number, a0: number, a1: number, w0: number, w1: number): void {
    this.delays.add(w, w0, w1);
    const slo = this.sloSeconds;
    if (w0 <= slo && w1 <= slo) return;
    const span = a1 - a0;
    if (w0 > slo && w1 > slo) this.overSlo += span;
    else this.overSlo += span * (Math.max(w0, w1) - slo) / Math.abs(w1 - w0);
  }
}
