import { describe, expect, it } from 'vitest';
import type { DailyCurve } from './spec.js';
import { parseTraceCsv, TRACE_ORIGIN, traceValue } from './trace.js';

const DAY = 86_400_000;
const at = (day: number, hour: number) => TRACE_ORIGIN + day * DAY + hour * 3_600_000;
const calm: DailyCurve = { kind: 'daily', base: 100, peak: 5_100, peakHour: 14, spikesPerDay: 0, spikeHeight: 0, spikeMinutes: 20, growthPerDay: 0, seed: 3 };

describe('daily curve', () => {
  it('peaks at its hour, bottoms out twelve hours away, and is halfway six hours from the peak', () => {
    expect(traceValue(calm, at(0, 14))).toBeCloseTo(5_100, 6);
    expect(traceValue(calm, at(0, 2))).toBeCloseTo(100, 6);
    expect(traceValue(calm, at(0, 8))).toBeCloseTo(2_600, 6);
    expect(traceValue(calm, at(0, 20))).toBeCloseTo(2_600, 6);
    expect(traceValue(calm, at(5, 14))).toBeCloseTo(5_100, 6);
  });

  it('a shortened day maps real time onto the curve from its origin', () => {
    const fast = { ...calm, periodSeconds: 3_600 };
    // Half an hour of real time is half a day of curve: from midnight to noon.
    expect(traceValue(fast, TRACE_ORIGIN + 1_800_000)).toBeCloseTo(traceValue(calm, at(0, 12)), 6);
    expect(traceValue(fast, TRACE_ORIGIN + 3 * 3_600_000 + 2_100_000)).toBeCloseTo(traceValue(calm, at(0, 14)), 6);
  });

  it('a shortened day grows by curve days, not real ones', () => {
    const fast = { ...calm, growthPerDay: 0.1, periodSeconds: 3_600 };
    expect(traceValue(fast, TRACE_ORIGIN + 1_800_000)).toBeCloseTo(traceValue(calm, at(0, 12)) * Math.pow(1.1, 0.5), 6);
  });

  it('grows only after its origin', () => {
    const grown = { ...calm, growthPerDay: 0.1 };
    expect(traceValue(grown, at(-3, 14))).toBeCloseTo(5_100, 6);
    expect(traceValue(grown, at(2, 14))).toBeCloseTo(5_100 * Math.pow(1.1, 2 + 14 / 24), 6);
  });

  it('never goes below zero', () => {
    expect(traceValue({ ...calm, base: -50, peak: -10 }, at(0, 2))).toBe(0);
  });

  it('each burst lasts its length and rises between half and one and a half times its height', () => {
    const bursty = { ...calm, peak: 100, spikesPerDay: 1, spikeHeight: 1_000, spikeMinutes: 30 };
    for (const day of [0, 1, 2, 3]) {
      const excess = Array.from({ length: 1440 * 6 }, (_, i) => traceValue(bursty, at(day, i / 360)) - 100);
      const peak = Math.max(...excess);
      expect(peak).toBeGreaterThan(500);
      expect(peak).toBeLessThan(1_500);
      // Samples every 10 s: at most 30 minutes of bursts today, and yesterday's carried over midnight.
      expect(excess.filter((x) => x > 0).length).toBeLessThanOrEqual(2 * 30 * 6);
    }
  });

  it('a burst begun before midnight carries over into the next day', () => {
    const c: DailyCurve = { kind: 'daily', base: 100, peak: 100, peakHour: 14, spikesPerDay: 2, spikeHeight: 1_000, spikeMinutes: 30, growthPerDay: 0, seed: 7 };
    expect(traceValue(c, at(1, 0) - 60_000)).toBeGreaterThan(100);
    expect(traceValue(c, at(1, 0) + 60_000)).toBeGreaterThan(100);
  });

  it('draws the same bursts for the same seed, in every release', () => {
    const c: DailyCurve = { kind: 'daily', base: 100, peak: 100, peakHour: 14, spikesPerDay: 2, spikeHeight: 1_000, spikeMinutes: 30, growthPerDay: 0, seed: 3 };
    const minutes = Array.from({ length: 1440 }, (_, m) => m).filter((m) => traceValue(c, TRACE_ORIGIN + m * 60_000) > 100);
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    expect(minutes).toEqual([...range(0, 19), ...range(1257, 1286)]);
    expect(traceValue(c, TRACE_ORIGIN + 4 * 60_000)).toBeCloseTo(1_540.8786, 3);
  });
});

describe('CSV traces', () => {
  it('skips the header, blank and broken lines, accepts CRLF, and sorts by time', () => {
    expect(parseTraceCsv('seconds,value\r\n120,5\r\n\r\n0,1\nx,3\n60,abc\n60,2\n 90 , 4 \n')).toEqual([
      [0, 1],
      [60, 2],
      [90, 4],
      [120, 5],
    ]);
  });

  const curve = (csv: string, loopSeconds?: number) => ({ kind: 'csv' as const, csv, loopSeconds, origin: TRACE_ORIGIN });

  it('holds the first value before the first row and the last after the last one', () => {
    const c = curve('30,7\n60,13\n90,1', 120);
    expect(traceValue(c, TRACE_ORIGIN + 10_000)).toBe(7);
    expect(traceValue(c, TRACE_ORIGIN + 30_000)).toBe(7);
    expect(traceValue(c, TRACE_ORIGIN + 45_000)).toBe(10);
    expect(traceValue(c, TRACE_ORIGIN + 60_000)).toBe(13);
    expect(traceValue(c, TRACE_ORIGIN + 75_000)).toBe(7);
    expect(traceValue(c, TRACE_ORIGIN + 100_000)).toBe(1);
  });

  it('a step (two rows at one time) jumps, and an empty trace is zero', () => {
    const c = curve('0,5\n60,5\n60,50\n120,50', 240);
    expect(traceValue(c, TRACE_ORIGIN + 59_000)).toBe(5);
    expect(traceValue(c, TRACE_ORIGIN + 61_000)).toBe(50);
    expect(traceValue(curve('seconds,value\n'), TRACE_ORIGIN)).toBe(0);
  });

  it('loops every day by default, also before its origin', () => {
    const c = curve('0,0\n43200,1200\n86400,0');
    expect(traceValue(c, TRACE_ORIGIN + DAY + 21_600_000)).toBe(600);
    expect(traceValue(c, TRACE_ORIGIN - 21_600_000)).toBe(600);
  });

  it('loops from its origin for any loop length', () => {
    const c = curve('0,0\n11,110', 11);
    expect(traceValue(c, TRACE_ORIGIN + 3_000)).toBe(30);
    expect(traceValue(c, TRACE_ORIGIN + 14_000)).toBe(30);
    expect(traceValue(c, TRACE_ORIGIN - 8_000)).toBe(30);
  });

  it('reads a changed CSV again', () => {
    const c = curve('0,1\n100,1', 100);
    expect(traceValue(c, TRACE_ORIGIN)).toBe(1);
    c.csv = '0,9\n100,9';
    expect(traceValue(c, TRACE_ORIGIN)).toBe(9);
  });
});
