/** Hours in the month the cloud bills by (AWS prices a month as 730 hours). */
export const HOURS_PER_MONTH = 730;

/** One point of a scenario's charts: means over the point's span, cost cumulative at its end. */
export interface SeriesPoint {
  /** Seconds since the plan's start. */
  t: number;
  /** Work arriving per second. */
  load: number;
  /** Work per second the ready machines can serve. */
  capacity: number;
  /** Machines billed (booting, ready, shutting down). */
  machines: number;
  /** Longest wait of queued work in the span, seconds. */
  delay: number;
  /** Money spent since the start. */
  cost: number;
}

/** A forecast month replayed at that month's load. */
export interface ForecastMonth {
  month: number;
  /** Load multiplier against month 0. */
  factor: number;
  peakLoad: number;
  peakMachines: number;
  p99Delay: number;
  timeOverSlo: number;
  costPerMonth: number;
  /** The SLO held (no arriving work waited longer than it). */
  meetsSlo: boolean;
}

export interface ScenarioResult {
  name: string;
  provider: string;
  size: { name: string; throughput: number; pricePerHour: number };
  market: string;
  cost: { perHour: number; perMonth: number; total: number; fixed: number; usage: number };
  machineHours: number;
  machines: { peak: number; mean: number; min: number };
  /** Served work ÷ ready capacity; idle is ready capacity that served nothing, in machine-hours. */
  capacity: { utilization: number; idleMachineHours: number };
  queueDelay: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** Seconds of arrivals whose work waited longer than the SLO, and that as a share of the run. */
  timeOverSlo: { seconds: number; share: number };
  work: { arrived: number; served: number; backlogAtEnd: number };
  scaling: { scaleOuts: number; scaleIns: number; launched: number; terminated: number; deaths: number };
  apiCalls: { launch: number; terminate: number; describe: number; throttled: number; total: number };
  /** Controller ticks run, and quiet ones elided because nothing they read had changed. */
  ticks: { run: number; elided: number };
  series: SeriesPoint[];
  forecast?: { months: ForecastMonth[]; runsOutMonth: number | null } | undefined;
}

export interface PlanResult {
  seed: number;
  start: string;
  durationSeconds: number;
  /** Replayed before `start` and left out of every figure (the plan's `warmup`), when there was one. */
  warmupSeconds?: number | undefined;
  stepSeconds: number;
  sloSeconds: number;
  unit: string;
  scenarios: ScenarioResult[];
}

/** Rounds for output: results stay byte-stable and readable without hiding a real difference. */
export function round(n: number, digits = 3): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
