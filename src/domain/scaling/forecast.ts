/**
 * Predictive scaling's forecaster: what a metric will read one boot time from now, from what it
 * read on the same hours of the past days and weeks. Deterministic, no I/O.
 *
 * The method, meant to be explained to whoever is paged:
 * 1. Samples are folded into 5-minute buckets (the mean of each) over the last `history`.
 * 2. Daily profile at time T: the median, over the past days, of T's time-of-day bucket (a
 *    median, so one day's burst is not expected again the next day). Weekly profile: the mean,
 *    over the past weeks, of T's weekday-and-time bucket (it sees the weekend dip the daily
 *    profile averages away).
 * 3. Seasonal(T): the two averaged when a past week exists, else the daily profile alone.
 * 4. Level: the median, over the last hour's buckets, of actual ÷ seasonal (clamped to
 *    [0.5, 2]) multiplies seasonal(now + lead). Growth or a quiet holiday moves every bucket
 *    and so the level; a burst moves a few buckets, not their median.
 * Without a past day at the hour forecast there is no forecast, never a guess.
 */

import type { PolicySpec, ScalingSpec } from './spec.js';

export const FORECAST_BUCKET_MS = 300_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const BUCKETS_PER_DAY = DAY_MS / FORECAST_BUCKET_MS;
const BUCKETS_PER_WEEK = WEEK_MS / FORECAST_BUCKET_MS;
/** Buckets the level is measured over: the last hour. */
const LEVEL_BUCKETS = 12;
const LEVEL_MIN = 0.5;
const LEVEL_MAX = 2;

/** A metric's recent past in 5-minute buckets, as much as the forecaster reads and no more. */
export class MetricHistory {
  private readonly buckets = new Map<number, { sum: number; count: number }>();
  private newest = Number.NEGATIVE_INFINITY;
  private oldest = Number.POSITIVE_INFINITY;

  /** `keepMs`: how far back the forecaster may look (the policy's `history`). */
  constructor(readonly keepMs: number) {}

  /** Adds a sample (non-finite values are ignored); buckets older than `keepMs` before it go. */
  add(at: number, value: number): void {
    if (!Number.isFinite(value) || !Number.isFinite(at)) return;
    const key = Math.floor(at / FORECAST_BUCKET_MS);
    const b = this.buckets.get(key);
    if (b) {
      b.sum += value;
      b.count++;
    } else this.buckets.set(key, { sum: value, count: 1 });
    if (key < this.oldest) this.oldest = key;
    if (key > this.newest) {
      this.newest = key;
      const cut = key - Math.ceil(this.keepMs / FORECAST_BUCKET_MS);
      if (this.oldest < cut) {
        for (const k of this.buckets.keys()) if (k < cut) this.buckets.delete(k);
        this.oldest = Math.min(...this.buckets.keys());
      }
    }
  }

  /** The mean of bucket `key`, or undefined when nothing was read in it. */
  mean(key: number): number | undefined {
    const b = this.buckets.get(key);
    return b ? b.sum / b.count : undefined;
  }

  /** Milliseconds from the oldest to the newest bucket: how much past the forecast stands on. */
  get spanMs(): number {
    return this.buckets.size === 0 ? 0 : (this.newest - this.oldest + 1) * FORECAST_BUCKET_MS;
  }
}

/** A forecast and what it is made of, for the decision's explanation. */
export interface Forecast {
  /** The time forecast (now + lead) and the value expected then. */
  at: number;
  value: number;
  /** The model's value for the present (seasonal now × level): set against the actual reading, it shows how well the model fits. */
  now: number;
  /** Seasonal value at `at`, and its parts. */
  seasonal: number;
  daily: number;
  weekly?: number | undefined;
  level: number;
  /** Past days and weeks that gave a value at `at`. */
  days: number;
  weeks: number;
}

/** The forecast of `h` for `now + leadMs`, or undefined when no past day covers that hour. */
export function forecast(h: MetricHistory, now: number, leadMs: number): Forecast | undefined {
  const nowKey = Math.floor(now / FORECAST_BUCKET_MS);
  const at = now + leadMs;
  const target = between(h, at, nowKey);
  if (!target) return undefined;
  const ratios: number[] = [];
  for (let k = nowKey - LEVEL_BUCKETS + 1; k <= nowKey; k++) {
    const actual = h.mean(k);
    const expected = seasonal(h, k, nowKey)?.value;
    if (actual !== undefined && expected !== undefined && expected > 0) ratios.push(actual / expected);
  }
  const level = ratios.length === 0 ? 1 : Math.min(LEVEL_MAX, Math.max(LEVEL_MIN, median(ratios)));
  const present = between(h, now, nowKey)?.value;
  return {
    at,
    value: target.value * level,
    now: present === undefined ? Number.NaN : present * level,
    seasonal: target.value,
    daily: target.daily,
    weekly: target.weekly,
    level,
    days: target.days,
    weeks: target.weeks,
  };
}

/**
 * Seasonal value at instant `t`: a bucket's mean stands for its middle, and between two middles
 * the value is a straight line (else a forecast would run up to a bucket ahead on a rising curve).
 */
function between(h: MetricHistory, t: number, nowKey: number): ReturnType<typeof seasonal> {
  const x = t / FORECAST_BUCKET_MS - 0.5;
  const k = Math.floor(x);
  const a = seasonal(h, k, nowKey);
  const b = seasonal(h, k + 1, nowKey);
  if (!a || !b) return a ?? b;
  const f = x - k;
  const mix = (p: number, q: number): number => p + (q - p) * f;
  return { value: mix(a.value, b.value), daily: mix(a.daily, b.daily), weekly: a.weekly !== undefined && b.weekly !== undefined ? mix(a.weekly, b.weekly) : undefined, days: Math.min(a.days, b.days), weeks: Math.min(a.weeks, b.weeks) };
}

/** Seasonal value of bucket `key` from buckets at least a day before it and no later than `nowKey`. */
function seasonal(h: MetricHistory, key: number, nowKey: number): { value: number; daily: number; weekly?: number | undefined; days: number; weeks: number } | undefined {
  const past: number[] = [];
  const maxDays = Math.ceil(h.keepMs / DAY_MS);
  for (let d = 1; d <= maxDays; d++) {
    const k = key - d * BUCKETS_PER_DAY;
    if (k > nowKey) continue;
    const v = h.mean(k);
    if (v !== undefined) past.push(v);
  }
  if (past.length === 0) return undefined;
  const daily = median(past);
  let weeklySum = 0;
  let weeks = 0;
  for (let w = 1; w * 7 <= maxDays; w++) {
    const v = h.mean(key - w * BUCKETS_PER_WEEK);
    if (v !== undefined) {
      weeklySum += v;
      weeks++;
    }
  }
  if (weeks === 0) return { value: daily, daily, days: past.length, weeks: 0 };
  const weekly = weeklySum / weeks;
  return { value: (daily + weekly) / 2, daily, weekly, days: past.length, weeks };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The metrics predictive policies forecast, each with the longest history any of them asks for (ms). */
export function predictedMetrics(spec: ScalingSpec): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of spec.policies) if (p.type === 'target-tracking' && p.predictive) out.set(p.metric, Math.max(out.get(p.metric) ?? 0, p.predictive.history * 1000));
  return out;
}

/**
 * This evaluation's forecasts, by policy, for `ScalingState.forecasts`. A policy's `lead: auto`
 * is `bootSeconds`, the pool's boot time as the caller knows it.
 */
export function forecastsFor(spec: ScalingSpec, histories: ReadonlyMap<string, MetricHistory>, now: number, bootSeconds: number): Map<PolicySpec, Forecast> {
  const out = new Map<PolicySpec, Forecast>();
  for (const p of spec.policies) {
    if (p.type !== 'target-tracking' || !p.predictive) continue;
    const h = histories.get(p.metric);
    const lead = p.predictive.lead === 'auto' ? bootSeconds : p.predictive.lead;
    const f = h && forecast(h, now, lead * 1000);
    if (f) out.set(p, f);
  }
  return out;
}
