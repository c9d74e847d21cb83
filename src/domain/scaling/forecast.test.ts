import { describe, expect, it } from 'vitest';
import { scalingSpec } from '../../../test/support/domain-fixtures.js';
import type { MetricSample, ScalingState } from './decision.js';
import { FORECAST_BUCKET_MS, forecast, forecastsFor, MetricHistory, predictedMetrics } from './forecast.js';
import { propose } from './policies.js';
import type { PolicySpec, ScalingSpec } from './spec.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const MONDAY = Date.UTC(2026, 0, 5); // 2026-01-05 is a Monday

/** Requests per second of a web service: 200 at night, 1,000 at the 14:00 UTC peak, a smooth swell between. */
const weekday = (t: number): number => 200 + 800 * ((1 + Math.cos(((((t % DAY) / HOUR) - 14) / 24) * 2 * Math.PI)) / 2);
/** The same, with Saturdays and Sundays at 40%. */
const withWeekends = (t: number): number => {
  const dow = new Date(t).getUTCDay();
  return weekday(t) * (dow === 0 || dow === 6 ? 0.4 : 1);
};

/** A history fed one reading a minute from `from` to `to`, as the autoscaler's stored decisions give it. */
function fed(from: number, to: number, value: (t: number) => number, keep = 14 * DAY): MetricHistory {
  const h = new MetricHistory(keep);
  for (let t = from; t < to; t += MIN) h.add(t, value(t));
  return h;
}

describe('the seasonal forecast', () => {
  it('forecasts the daily swell one boot time ahead from the past days', () => {
    const now = MONDAY + 3 * DAY + 9 * HOUR; // Thursday 09:00
    const f = forecast(fed(MONDAY, now, weekday), now, 2 * MIN)!;
    expect(f.at).toBe(now + 2 * MIN);
    expect(f.days).toBe(3);
    expect(f.weeks).toBe(0);
    expect(f.level).toBeCloseTo(1, 6);
    // The morning rise: two minutes ahead is more than now, and the forecast is within 0.5% of it.
    expect(weekday(f.at)).toBeGreaterThan(weekday(now));
    expect(Math.abs(f.value / weekday(f.at) - 1)).toBeLessThan(0.005);
    expect(Math.abs(f.now / weekday(now) - 1)).toBeLessThan(0.005);
  });

  it('sees the weekend dip through the weekly profile and the level of the last hour', () => {
    const now = MONDAY + 12 * DAY + 10 * HOUR; // Saturday 2026-01-17 10:00, two weeks of history behind it
    const f = forecast(fed(MONDAY - 2 * DAY, now, withWeekends), now, 10 * MIN)!;
    expect(f.weeks).toBe(2);
    // The daily median is a weekday's (ten of fourteen days), the weekly mean last Saturdays'.
    expect(f.daily / weekday(f.at)).toBeCloseTo(1, 2);
    expect(f.weekly! / withWeekends(f.at)).toBeCloseTo(1, 2);
    expect(f.level).toBeCloseTo(0.4 / 0.7, 2);
    expect(Math.abs(f.value / withWeekends(f.at) - 1)).toBeLessThan(0.01);
    expect(f.value).toBeLessThan(0.5 * weekday(f.at));
  });

  it('follows growth through the level: today 20% above the past days', () => {
    const today = MONDAY + 3 * DAY;
    const grown = (t: number) => weekday(t) * (t >= today ? 1.2 : 1);
    const now = today + 13 * HOUR;
    const f = forecast(fed(MONDAY, now, grown), now, 5 * MIN)!;
    expect(f.level).toBeCloseTo(1.2, 3);
    expect(Math.abs(f.value / grown(f.at) - 1)).toBeLessThan(0.005);
    expect(Math.abs(f.now / grown(now) - 1)).toBeLessThan(0.005);
  });

  it("does not expect one day's burst again: the daily profile is a median of past days", () => {
    const burstAt = MONDAY + DAY + 11 * HOUR; // Tuesday 11:00, +3,000 for 20 minutes
    const bursty = (t: number) => weekday(t) + (t >= burstAt && t < burstAt + 20 * MIN ? 3_000 : 0);
    const now = MONDAY + 3 * DAY + 10 * HOUR + 55 * MIN; // Thursday 10:55
    const f = forecast(fed(MONDAY, now, bursty), now, 10 * MIN)!;
    expect(Math.abs(f.value / weekday(f.at) - 1)).toBeLessThan(0.005);
  });

  it('makes no forecast without a past day at the hour forecast', () => {
    const now = MONDAY + 20 * HOUR;
    expect(forecast(fed(MONDAY + 6 * HOUR, now, weekday), now, 2 * MIN)).toBeUndefined();
    expect(forecast(new MetricHistory(14 * DAY), now, 2 * MIN)).toBeUndefined();
  });

  it('keeps no more past than its history', () => {
    const h = fed(MONDAY, MONDAY + 5 * DAY, weekday, 2 * DAY);
    // The newest bucket and the 2 days before it: the bucket two days back is the same hour's.
    expect(h.spanMs).toBe(2 * DAY + 5 * MIN);
    expect(h.mean(Math.floor((MONDAY + HOUR) / (5 * MIN)))).toBeUndefined();
  });

  it('a history of two days forecasts from both past days', () => {
    const now = MONDAY + 3 * DAY + 9 * HOUR; // Thursday 09:00
    const f = forecast(fed(MONDAY, now, weekday, 2 * DAY), now, 2 * MIN)!;
    expect(f.days).toBe(2);
    expect(Math.abs(f.value / weekday(f.at) - 1)).toBeLessThan(0.005);
  });

  it('with an even number of past days the daily profile is the mean of the middle two', () => {
    // A queue at 100 all Monday and 200 all Tuesday; nothing read yet on Wednesday.
    const now = MONDAY + 2 * DAY + 9 * HOUR;
    const f = forecast(fed(MONDAY, MONDAY + 2 * DAY, (t) => (t < MONDAY + DAY ? 100 : 200)), now, 10 * MIN)!;
    expect(f).toMatchObject({ days: 2, daily: 150, seasonal: 150, level: 1, value: 150 });
  });

  it('the level is the median of the last hour: twelve buckets, the one now filling included', () => {
    // Past days read 100 all day. Thursday reads 100 until 07:55, then 5% more each 5 minutes:
    // 110 at 08:05 … 165 at 09:00. The last hour (08:05 to 09:00) is 1.10 … 1.65 of the past days.
    const thursday = MONDAY + 3 * DAY;
    const rising = (t: number) => (t < thursday + 7 * HOUR + 55 * MIN ? 100 : 100 * (1 + 0.05 * Math.floor((t - thursday - 7 * HOUR - 55 * MIN) / (5 * MIN))));
    const now = thursday + 9 * HOUR + 2 * MIN + 30_000;
    const f = forecast(fed(MONDAY, now, rising), now, 10 * MIN)!;
    expect(f.level).toBeCloseTo((1.35 + 1.4) / 2, 9);
    expect(f.value).toBeCloseTo(137.5, 6);
  });

  it('with no reading in the last hour the forecast is the seasonal value as it stands', () => {
    const thursday = MONDAY + 3 * DAY;
    const now = thursday + 9 * HOUR; // the metric went silent at 08:00
    const f = forecast(fed(MONDAY, thursday + 8 * HOUR, () => 100), now, 10 * MIN)!;
    expect(f).toMatchObject({ level: 1, seasonal: 100, value: 100, days: 3 });
  });

  it('buckets the past days read as 0 do not count toward the level: a queue empty every night', () => {
    // Past nights read 0 until 06:00, then 100. Thursday had an early batch (30 from 05:30), then 120.
    const thursday = MONDAY + 3 * DAY;
    const queue = (t: number) => {
      const hour = (t % DAY) / HOUR;
      if (t >= thursday) return hour < 5.5 ? 0 : hour < 6 ? 30 : 120;
      return hour < 6 ? 0 : 100;
    };
    const now = thursday + 6 * HOUR + 25 * MIN;
    const f = forecast(fed(MONDAY, now, queue), now, 10 * MIN)!;
    expect(f.level).toBeCloseTo(1.2, 9);
    expect(f.value).toBeCloseTo(120, 6);
  });

  it("at the history's first hour: a forecast from the bucket that has a past day, and no model value for a present that has none", () => {
    const wednesday = MONDAY + 2 * DAY;
    const now = wednesday + DAY + 9 * HOUR; // Thursday 09:00; the history began Wednesday 09:20
    const f = forecast(fed(wednesday + 9 * HOUR + 20 * MIN, now, weekday), now, 30 * MIN)!;
    expect(f.days).toBe(1);
    expect(Math.abs(f.value / weekday(f.at) - 1)).toBeLessThan(0.005);
    expect(f.now).toBeNaN();
    // Thursday 09:01 lies between the 08:55 and 09:00 buckets' middles; only 09:00 has a past day.
    const g = forecast(fed(wednesday + 9 * HOUR, now, weekday), now - MIN, 2 * MIN)!;
    const wed0900 = [0, 1, 2, 3, 4].map((i) => weekday(wednesday + 9 * HOUR + i * MIN));
    expect(g.seasonal).toBeCloseTo(wed0900.reduce((x, y) => x + y) / 5, 9);
    expect(g.days).toBe(1);
  });

  it('counts only the past days and weeks behind both buckets it reads between', () => {
    const thursday = MONDAY + 3 * DAY;
    const now = thursday + 7 * DAY + 8 * HOUR + 59 * MIN; // a week later, 08:59; 09:01 is forecast
    // Began Tuesday 09:00: the 09:00 bucket has two past days (Tuesday's, Wednesday's), the 08:55 one only Wednesday's.
    const fromTuesday = forecast(fed(MONDAY + DAY + 7 * DAY + 9 * HOUR, now, weekday), now, 2 * MIN)!;
    expect(fromTuesday.days).toBe(1);
    // Began last Thursday 09:00: 09:00 has a past week, 08:55 none, so no weekly profile is made up.
    const fromLastWeek = forecast(fed(thursday + 9 * HOUR, now, weekday), now, 2 * MIN)!;
    expect(fromLastWeek).toMatchObject({ weeks: 0, weekly: undefined });
    // A gap last Thursday from 09:00: this time the later bucket has no past week.
    const gap = (t: number) => t < thursday + 9 * HOUR || t >= thursday + 9 * HOUR + 30 * MIN;
    const h = new MetricHistory(14 * DAY);
    for (let t = MONDAY; t < now; t += MIN) if (gap(t)) h.add(t, weekday(t));
    expect(forecast(h, now, 2 * MIN)).toMatchObject({ weeks: 0, weekly: undefined });
  });
});

describe('the history of a metric', () => {
  const t0 = MONDAY + 9 * HOUR;
  const bucket = (t: number) => Math.floor(t / FORECAST_BUCKET_MS);

  it("a bucket reads as the mean of its readings", () => {
    const h = new MetricHistory(DAY);
    h.add(t0, 100);
    h.add(t0 + MIN, 300);
    h.add(t0 + 4 * MIN, 200);
    expect(h.mean(bucket(t0))).toBe(200);
    expect(h.mean(bucket(t0) + 1)).toBeUndefined();
  });

  it('a reading without a finite time or value is not kept', () => {
    const h = new MetricHistory(DAY);
    h.add(Number.NaN, 100);
    h.add(t0, Number.POSITIVE_INFINITY);
    h.add(t0, Number.NaN);
    expect(h.spanMs).toBe(0);
    expect(h.mean(bucket(t0))).toBeUndefined();
  });

  it('spans from its oldest bucket to its newest, readings that come late included', () => {
    const h = new MetricHistory(DAY);
    expect(h.spanMs).toBe(0);
    h.add(t0, 10);
    expect(h.spanMs).toBe(5 * MIN);
    h.add(t0 + HOUR, 12);
    h.add(t0 + 10 * MIN, 11);
    expect(h.spanMs).toBe(HOUR + 5 * MIN);
    h.add(t0 - 20 * MIN, 9);
    expect(h.spanMs).toBe(HOUR + 25 * MIN);
  });
});

const predictivePolicy = (mode: 'on' | 'forecast-only'): PolicySpec => ({ type: 'target-tracking', metric: 'rps', target: 10, aggregate: 'total', tolerance: 0.1, predictive: { mode, lead: 'auto', history: 14 * DAY } });

describe('a predictive target-tracking policy', () => {
  const now = MONDAY + 3 * DAY + 9 * HOUR;
  // One object per mode: forecasts are kept by policy, the very objects `decide` hands to `propose`.
  const policies = { on: predictivePolicy('on'), 'forecast-only': predictivePolicy('forecast-only') };
  const policy = (mode: 'on' | 'forecast-only'): PolicySpec => policies[mode];
  const spec = (mode: 'on' | 'forecast-only'): ScalingSpec => scalingSpec({ metrics: { rps: { type: 'agents', measure: 'load' } }, policies: [policy(mode)] });
  // Built in each test, not when the file loads: a history that throws must fail tests, not the collection.
  const histories = () => new Map([['rps', fed(MONDAY, now, weekday)]]);
  const samples = new Map<string, MetricSample>([['rps', { value: weekday(now), at: now }]]);
  const state = (mode: 'on' | 'forecast-only'): ScalingState => ({ current: 40, min: 0, max: 500, warm: 40, warming: 0, history: [], forecasts: forecastsFor(spec(mode), histories(), now, 30 * 60) });

  it('scales to the forecast one lead ahead when it asks for more than the present load', () => {
    // 09:00 reads ≈ 703 rps (71 machines); 09:30 is forecast ≈ 753 (76 machines).
    const p = propose(policy('on'), samples, state('on'), now);
    expect(p.forecast).toMatchObject({ metric: 'rps', at: now + 30 * MIN, acting: true, desired: 76 });
    expect(p.desired).toBe(76);
    expect(p.why).toMatch(/^forecast rps 75\d\.\d\d at 2026-01-08T09:30:00.000Z ÷ target 10 = 76, ahead of the present load \(rps 703\.\d\d ÷ target 10 per machine = 71\)$/);
  });

  it('in forecast-only mode acts on the present load and records what it would set', () => {
    const p = propose(policy('forecast-only'), samples, state('forecast-only'), now);
    expect(p.desired).toBe(71);
    expect(p.forecast).toMatchObject({ acting: false, desired: 76 });
    expect(p.forecast!.actual).toBeCloseTo(weekday(now), 6);
    expect(p.why).toMatch(/forecast only: forecast rps 75\d\.\d\d at .* = 76 would set 76$/);
  });

  it('never scales below what the present load needs: a falling forecast leaves the reactive size', () => {
    const evening = MONDAY + 3 * DAY + 19 * HOUR;
    const late = new Map([['rps', fed(MONDAY, evening, weekday)]]);
    const s: ScalingState = { current: 40, min: 0, max: 500, warm: 40, warming: 0, history: [], forecasts: forecastsFor(spec('on'), late, evening, 30 * 60) };
    const p = propose(policy('on'), new Map([['rps', { value: weekday(evening), at: evening }]]), s, evening);
    expect(p.forecast!.desired).toBeLessThan(Math.ceil(weekday(evening) / 10));
    expect(p.desired).toBe(Math.ceil(weekday(evening) / 10));
  });
});

describe('two predictive policies on one metric', () => {
  it('each forecasts its own lead: a 3 h lead beside a lead of the boot time reads 12:00, not 09:02', () => {
    const now = MONDAY + 3 * DAY + 9 * HOUR;
    const tt = (lead: 'auto' | number): PolicySpec => ({ type: 'target-tracking', metric: 'rps', target: 10, aggregate: 'total', tolerance: 0.1, predictive: { mode: 'on', lead, history: 14 * DAY } });
    const soon = tt('auto');
    const later = tt(3 * 3_600);
    const spec = scalingSpec({ metrics: { rps: { type: 'agents', measure: 'load' } }, policies: [soon, later] });
    const state: ScalingState = { current: 40, min: 0, max: 500, warm: 40, warming: 0, history: [], forecasts: forecastsFor(spec, new Map([['rps', fed(MONDAY, now, weekday)]]), now, 120) };
    const samples = new Map<string, MetricSample>([['rps', { value: weekday(now), at: now }]]);
    expect(propose(soon, samples, state, now).forecast).toMatchObject({ at: now + 2 * MIN });
    const ahead = propose(later, samples, state, now).forecast!;
    expect(ahead.at).toBe(now + 3 * HOUR);
    expect(ahead.value).toBeCloseTo(weekday(now + 3 * HOUR), -1);
  });
});

describe('which metrics are forecast, and for when', () => {
  const now = MONDAY + 3 * DAY + 9 * HOUR;
  const tt = (metric: string, predictive?: { lead: 'auto' | number; history: number }): PolicySpec => ({ type: 'target-tracking', metric, target: 10, aggregate: 'total', tolerance: 0.1, ...(predictive && { predictive: { mode: 'on', ...predictive } }) });
  const step: PolicySpec = { type: 'step', metric: 'cpu', adjustment: 'absolute', steps: [{ lower: 80, change: 2 }] };
  const spec = (policies: PolicySpec[]): ScalingSpec => scalingSpec({ policies });

  it('a metric is kept as far back as the longest history a predictive policy asks of it', () => {
    const s = spec([step, tt('rps', { lead: 'auto', history: 14 * 86_400 }), tt('queue'), tt('rps', { lead: 600, history: 21 * 86_400 }), tt('jobs', { lead: 'auto', history: 86_400 })]);
    expect(predictedMetrics(s)).toEqual(new Map([['rps', 21 * DAY], ['jobs', DAY]]));
  });

  it('forecasts the predictive policies only, each one lead ahead: its own, or the boot time for auto', () => {
    const histories = new Map(['rps', 'queue', 'cpu', 'jobs'].map((m) => [m, fed(MONDAY, now, weekday)]));
    const s = spec([step, tt('queue'), tt('rps', { lead: 600, history: 14 * 86_400 }), tt('jobs', { lead: 'auto', history: 14 * 86_400 })]);
    const out = forecastsFor(s, histories, now, 90);
    const [, , rps, jobs] = s.policies;
    expect([...out.keys()]).toEqual([rps, jobs]);
    expect(out.get(rps!)!.at).toBe(now + 600_000);
    expect(out.get(jobs!)!.at).toBe(now + 90_000);
  });

  it('no forecast for a metric without a history, or without a past day at the hour forecast', () => {
    const s = spec([tt('rps', { lead: 600, history: 14 * 86_400 }), tt('jobs', { lead: 600, history: 14 * 86_400 })]);
    expect(forecastsFor(s, new Map([['jobs', fed(MONDAY + 2 * DAY + 10 * HOUR, now, weekday)]]), now, 90)).toEqual(new Map());
  });
});
