import type { SeriesPoint } from '../result.js';

/** Target number of chart points per scenario: enough for a month's daily swings, small enough to inline. */
const CHART_POINTS = 720;

/** Accumulates one scenario's per-step figures into totals and chart points. */
export class Tally {
  readonly series: SeriesPoint[] = [];
  machineSeconds = 0;
  usageCost = 0;
  readySeconds = 0;
  peakMachines = 0;
  minMachines = Number.POSITIVE_INFINITY;
  private readonly spanSteps: number;
  private open = { steps: 0, load: 0, capacity: 0, machines: 0, delay: 0 };

  constructor(
    stepSeconds: number,
    durationSeconds: number,
    private readonly pricePerHour: number,
    private readonly fixedPerSecond: number,
  ) {
    this.spanSteps = Math.max(1, Math.ceil(durationSeconds / stepSeconds / CHART_POINTS));
  }

  /** One step: `billed` machines paid for, `ready` serving, over `dt` seconds ending at `end`. */
  add(end: number, dt: number, billed: number, ready: number, load: number, capacity: number, delay: number): void {
    this.machineSeconds += billed * dt;
    this.readySeconds += ready * dt;
    this.usageCost += (billed * dt * this.pricePerHour) / 3600;
    if (billed > this.peakMachines) this.peakMachines = billed;
    if (billed < this.minMachines) this.minMachines = billed;
    const o = this.open;
    o.steps++;
    o.load += load;
    o.capacity += capacity;
    o.machines += billed;
    if (delay > o.delay) o.delay = delay;
    if (o.steps === this.spanSteps) this.close(end);
  }

  /** Money spent up to `t` seconds from the start. */
  costAt(t: number): number {
    return this.usageCost + this.fixedPerSecond * t;
  }

  /** Flushes a partly filled last point. */
  finish(end: number): void {
    if (this.open.steps > 0) this.close(end);
  }

  private close(end: number): void {
    const o = this.open;
    this.series.push({ t: end, load: o.load / o.steps, capacity: o.capacity / o.steps, machines: o.machines / o.steps, delay: o.delay, cost: this.costAt(end) });
    this.open = { steps: 0, load: 0, capacity: 0, machines: 0, delay: 0 };
  }
}
