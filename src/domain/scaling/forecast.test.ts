import { describe, expect, it } from 'vitest';
import type { MetricSample, ScalingState } from './decision.js';
import { forecast, forecastsFor, MetricHistory } from './forecast.js';
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
    expect(h.spanMs).toBeLessThanOrEqual(2 * DAY + 5 * MIN);
    expect(h.mean(Math.floor((MONDAY + HOUR) / (5 * MIN)))).toBeUndefined();
  });
});

describe('a predictive target-tracking policy', () => {
  const now = MONDAY + 3 * DAY + 9 * HOUR;
  const policy = (mode: 'on' | 'forecast-only'): PolicySpec => ({ type: 'target-tracking', metric: 'rps', target: 10, aggregate: 'total', tolerance: 0.1, predictive: { mode, lead: 'auto', history: 14 * DAY } });
  const spec = (mode: 'on' | 'forecast-only'): ScalingSpec => ({ metrics: { rps: { type: 'agents', measure: 'load' } }, policies: [policy(mode)], evaluationInterval: 10, stabilization: { scaleIn: 300, scaleOut: 0 }, cooldowns: { scaleOut: 0, scaleIn: 0 }, maxStep: {}, warmup: 0, dryRun: false });
  const histories = new Map([['rps', fed(MONDAY, now, weekday)]]);
  const samples = new Map<string, MetricSample>([['rps', { value: weekday(now), at: now }]]);
  const state = (mode: 'on' | 'forecast-only'): ScalingState => ({ current: 40, min: 0, max: 500, warm: 40, warming: 0, history: [], forecasts: forecastsFor(spec(mode), histories, now, 30 * 60) });

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
