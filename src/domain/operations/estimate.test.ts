import { describe, expect, it } from 'vitest';
import { bootSamples, bucketMs, estimate, observedDurations, type EstimateInput } from './estimate.js';

const base: EstimateInput = {
  kind: 'restart',
  strategy: { kind: 'all-at-once' },
  total: 500,
  poolSize: 500,
  limits: { idsPerCall: 1000, launchPerCall: 1000, mutate: { capacity: 200, refillPerSecond: 5, tokens: 200 }, launch: { capacity: 5, refillPerSecond: 2, tokens: 5 } },
  durations: { mean: 45_000, max: 60_000, samples: 20 },
  observeMs: 1_000,
};

describe('estimate', () => {
  it('500 at once: one wave, one call, the slowest reboot plus the observation delay', () => {
    expect(estimate(base)).toEqual({ waves: [500], calls: { mutate: 1, launch: 0 }, apiMs: 0, totalMs: 61_000 });
  });

  it('counts the time the buckets force when calls outnumber the tokens', () => {
    expect(bucketMs(10, { tokens: 0, refillPerSecond: 5 })).toBe(2_000);
    const e = estimate({ ...base, limits: { ...base.limits, idsPerCall: 10, mutate: { capacity: 5, refillPerSecond: 5, tokens: 5 } } });
    expect(e.calls.mutate).toBe(50);
    expect(e.apiMs).toBe(9_000);
  });

  it('rolling windows turn over about every mean reboot; waves of a batch size last their slowest', () => {
    const sliding = estimate({ ...base, strategy: { kind: 'rolling', maxUnavailable: { percent: 20 } } });
    expect(sliding.waves).toEqual([100, 100, 100, 100, 100]);
    expect(sliding.totalMs).toBe(4 * 46_000 + 61_000);
    const waves = estimate({ ...base, strategy: { kind: 'rolling', batchSize: 250 } });
    expect(waves.totalMs).toBe(2 * 61_000);
  });

  it('a canary adds its own wave and the bake', () => {
    const e = estimate({ ...base, strategy: { kind: 'all-at-once', canary: { count: 5, bakeMs: 60_000 } } });
    expect(e.waves).toEqual([5, 495]);
    expect(e.totalMs).toBe(61_000 + 60_000 + 61_000);
  });

  it('observed durations replace the defaults', () => {
    expect(observedDurations([30_000, 50_000], base.durations)).toEqual({ mean: 40_000, max: 50_000, samples: 2 });
    expect(observedDurations([], base.durations)).toBe(base.durations);
  });
});

describe('bootSamples', () => {
  const m = (launchedAt: number, readyAt?: number) => ({ launchedAt, readyAt });

  it("takes launch-to-ready of the pool's newest launches, newest first, at most `limit`", () => {
    expect(bootSamples([m(0, 30_000), m(10_000, 45_000), m(20_000, 41_000)], 2, 900_000)).toEqual([21_000, 35_000]);
  });

  it('leaves out machines never ready and spans past the item timeout (a reboot or a start long after the launch)', () => {
    expect(bootSamples([m(0), m(0, 3_600_000), m(5_000, 40_000)], 10, 900_000)).toEqual([35_000]);
  });

  describe('on real launch times', () => {
    const T = Date.parse('2026-12-07T09:30:00Z');

    it('a boot as long as the item timeout still counts; one a millisecond longer does not', () => {
      expect(bootSamples([m(T, T + 900_000), m(T - 60_000, T - 60_000 + 900_001), m(T - 120_000, T - 120_000 + 52_000)], 10, 900_000)).toEqual([900_000, 52_000]);
    });

    it('a machine the provider says launched after the controller saw it ready (clocks apart) gives no boot time', () => {
      expect(bootSamples([m(T + 4_000, T + 1_000), m(T - 300_000, T - 300_000 + 48_000)], 10, 900_000)).toEqual([48_000]);
    });
  });
});
