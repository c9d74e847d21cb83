import { describe, expect, it } from 'vitest';
import type { DailyCurve } from './spec.js';
import { TRACE_ORIGIN, traceValue } from './trace.js';

const daily: DailyCurve = { kind: 'daily', base: 100, peak: 5_000, peakHour: 14, spikesPerDay: 4, spikeHeight: 3_000, spikeMinutes: 20, growthPerDay: 0, seed: 3 };
const at = (day: number, hour: number) => TRACE_ORIGIN + day * 86_400_000 + hour * 3_600_000;

describe('traceValue', () => {
  it('the daily curve swells to its peak hour and back, with bursts above it', () => {
    const values = Array.from({ length: 24 * 60 }, (_, m) => traceValue(daily, at(0, m / 60)));
    expect(values[14 * 60]).toBeGreaterThanOrEqual(5_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(100);
    expect(values[2 * 60]!).toBeLessThan(1_000 + 3_000 * 1.5);
    const smooth = (m: number) => 100 + 4_900 * ((1 + Math.cos(((m / 60 - 14) / 24) * 2 * Math.PI)) / 2);
    const burstMinutes = values.filter((v, m) => v > smooth(m) + 1).length;
    expect(burstMinutes).toBeGreaterThan(10); // about 4 × 20 minutes, minus overlaps
  });
  it('is a pure function of time and seed', () => {
    const t = at(3, 9.5);
    expect(traceValue(daily, t)).toBe(traceValue({ ...daily }, t));
    const a = Array.from({ length: 1440 }, (_, m) => traceValue(daily, at(0, m / 60)));
    const b = Array.from({ length: 1440 }, (_, m) => traceValue({ ...daily, seed: 4 }, at(0, m / 60)));
    expect(a).not.toEqual(b);
  });
  it('grows day over day', () => {
    const grown = { ...daily, growthPerDay: 0.1, spikesPerDay: 0 };
    expect(traceValue(grown, at(10, 14)) / traceValue(grown, at(0, 14))).toBeCloseTo(Math.pow(1.1, 10), 5);
  });
  it('reads a CSV, interpolates and loops', () => {
    const csv = { kind: 'csv' as const, csv: 'seconds,value\n0,0\n60,600\n120,0\n', loopSeconds: 120 };
    expect(traceValue(csv, TRACE_ORIGIN + 30_000)).toBe(300);
    expect(traceValue(csv, TRACE_ORIGIN + 60_000)).toBe(600);
    expect(traceValue(csv, TRACE_ORIGIN + 150_000)).toBe(300);
  });
  it('a shortened day runs the same curve faster', () => {
    const fast = { ...daily, periodSeconds: 1_800 };
    expect(traceValue(fast, TRACE_ORIGIN + 900_000)).toBeCloseTo(traceValue(daily, at(0, 12)), 6);
  });
});
