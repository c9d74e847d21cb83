import { Random } from '../random.js';
import type { DailyCurve, TraceCurve } from './spec.js';

const DAY_MS = 86_400_000;
export const TRACE_ORIGIN = Date.UTC(2026, 0, 1);

/**
 * The value of a synthetic workload at time `t` (epoch ms). A pure function of the curve
 * (seed included) and `t`, so the demo, tests and the capacity planner see the same load for
 * the same moment, whatever order they ask in.
 */
export function traceValue(curve: TraceCurve, t: number): number {
  return curve.kind === 'csv' ? csvValue(rowsOf(curve), curve.loopSeconds, curve.origin ?? TRACE_ORIGIN, t) : dailyValue(curve, t);
}

/** Each curve's CSV parsed once: a trace is read every evaluation, for as long as it runs. */
const parsed = new WeakMap<TraceCurve, { csv: string; rows: [number, number][] }>();

function rowsOf(curve: Extract<TraceCurve, { kind: 'csv' }>): [number, number][] {
  let hit = parsed.get(curve);
  if (hit?.csv !== curve.csv) parsed.set(curve, (hit = { csv: curve.csv, rows: parseTraceCsv(curve.csv) }));
  return hit.rows;
}

function dailyValue(c: DailyCurve, real: number): number {
  const origin = c.origin ?? TRACE_ORIGIN;
  // A shortened day runs the same curve faster: map real time onto curve time around the origin.
  const t = c.periodSeconds === undefined ? real : origin + ((real - origin) * 86_400) / c.periodSeconds;
  const day = Math.floor(t / DAY_MS);
  const hour = (t - day * DAY_MS) / 3_600_000;
  // A raised cosine: base at the opposite side of the clock, peak at peakHour.
  const swell = (1 + Math.cos(((hour - c.peakHour) / 24) * 2 * Math.PI)) / 2;
  let value = c.base + (c.peak - c.base) * swell;
  const halfMs = (c.spikeMinutes * 60_000) / 2;
  // Bursts of today and yesterday (one may straddle midnight): each day's are drawn from (seed, day).
  for (const d of [day - 1, day]) {
    const rnd = new Random((c.seed * 100_003 + d * 7_919) >>> 0);
    for (let i = 0; i < c.spikesPerDay; i++) {
      const centre = d * DAY_MS + rnd.next() * DAY_MS;
      const height = c.spikeHeight * (0.5 + rnd.next());
      const dist = Math.abs(t - centre);
      if (dist < halfMs) value += height * (1 - dist / halfMs);
    }
  }
  const days = (t - origin) / DAY_MS;
  return Math.max(0, value * Math.pow(1 + c.growthPerDay, Math.max(0, days)));
}

/** `seconds,value` rows; a header line and blank lines are skipped. Sorted by time. */
export function parseTraceCsv(csv: string): [number, number][] {
  const rows: [number, number][] = [];
  for (const line of csv.split(/\r?\n/)) {
    const [a, b] = line.split(',').map((x) => Number(x.trim()));
    if (line.trim() === '' || !Number.isFinite(a) || !Number.isFinite(b)) continue;
    rows.push([a!, b!]);
  }
  return rows.sort((x, y) => x[0] - y[0]);
}

/** Linear between rows; the series repeats every `loopSeconds` (default: a day) from `origin`. */
function csvValue(rows: [number, number][], loopSeconds: number | undefined, origin: number, t: number): number {
  if (rows.length === 0) return 0;
  const loop = loopSeconds ?? 86_400;
  const s = ((((t - origin) / 1000) % loop) + loop) % loop;
  if (s <= rows[0]![0]) return rows[0]![1];
  for (let i = 1; i < rows.length; i++) {
    const [t1, v1] = rows[i]!;
    const [t0, v0] = rows[i - 1]!;
    if (s <= t1) return t1 === t0 ? v1 : v0 + ((v1 - v0) * (s - t0)) / (t1 - t0);
  }
  return rows.at(-1)![1];
}
