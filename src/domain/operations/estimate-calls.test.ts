import { describe, expect, it } from 'vitest';
import { bucketMs, DEFAULT_DURATIONS, estimate, observedDurations, type EstimateInput } from './estimate.js';
import { ACTIVE_STATUSES } from './types.js';

const S = 1000;
const input = (over: Partial<EstimateInput> = {}): EstimateInput => ({
  kind: 'restart',
  strategy: { kind: 'rolling', batchSize: 4 },
  total: 10,
  poolSize: 10,
  limits: {
    idsPerCall: 3,
    launchPerCall: 2,
    mutate: { capacity: 100, refillPerSecond: 10, tokens: 100 },
    launch: { capacity: 100, refillPerSecond: 10, tokens: 100 },
  },
  durations: { mean: 40 * S, max: 60 * S, samples: 5 },
  observeMs: 5 * S,
  ...over,
});

describe('estimate', () => {
  it('EC2-like reboot and boot times stand in until flotte has watched some', () => {
    expect(DEFAULT_DURATIONS).toEqual({ reboot: { mean: 45_000, max: 60_000, samples: 0 }, boot: { mean: 45_000, max: 60_000, samples: 0 } });
  });

  it('a restart sends only reboot calls, a replace also launches, per wave and per call size', () => {
    expect(estimate(input()).calls).toEqual({ mutate: 2 + 2 + 1, launch: 0 });
    expect(estimate(input({ kind: 'replace' })).calls).toEqual({ mutate: 5, launch: 2 + 2 + 1 });
  });

  it('waves of a batch last as long as their slowest machine', () => {
    expect(estimate(input())).toMatchObject({ waves: [4, 4, 2], apiMs: 0, totalMs: 3 * 65 * S });
  });

  it('all at once is one wave', () => {
    expect(estimate(input({ strategy: { kind: 'all-at-once' } }))).toMatchObject({ waves: [10], totalMs: 65 * S });
  });

  it('a canary without a bake still waits for its machines', () => {
    const e = estimate(input({ strategy: { kind: 'rolling', batchSize: 4, canary: { count: 2, bakeMs: 0 } } }));
    expect(e.waves).toEqual([2, 4, 4]);
    expect(e.totalMs).toBe(65 * S + 2 * 65 * S);
  });

  it('an operation that is all canary lasts its canary and bake', () => {
    const e = estimate(input({ total: 2, strategy: { kind: 'rolling', canary: { count: 2, bakeMs: 300 * S } } }));
    expect(e.waves).toEqual([2]);
    expect(e.totalMs).toBe(65 * S + 300 * S);
  });

  it('a launch bucket short of tokens slows a replace, not a restart', () => {
    const limits = { ...input().limits, launch: { capacity: 10, refillPerSecond: 0.5, tokens: 1 } };
    expect(estimate(input({ kind: 'replace', limits })).apiMs).toBe(8 * S);
    expect(estimate(input({ kind: 'restart', limits })).apiMs).toBe(0);
  });
});

describe('bucketMs', () => {
  it('costs nothing while tokens last, exactly to the last one', () => {
    expect(bucketMs(5, { tokens: 5, refillPerSecond: 1 })).toBe(0);
    expect(bucketMs(6, { tokens: 5, refillPerSecond: 2 })).toBe(500);
    expect(bucketMs(3, { tokens: -4, refillPerSecond: 1 })).toBe(3 * S);
  });

  it('a bucket that never refills makes a shortfall wait forever, but not a call it can pay', () => {
    expect(bucketMs(6, { tokens: 5, refillPerSecond: 0 })).toBe(Number.POSITIVE_INFINITY);
    expect(bucketMs(5, { tokens: 5, refillPerSecond: 0 })).toBe(0);
  });
});

describe('observedDurations', () => {
  it('mean and max of what was seen, or the fallback', () => {
    expect(observedDurations([40 * S, 60 * S, 50 * S], DEFAULT_DURATIONS.boot)).toEqual({ mean: 50 * S, max: 60 * S, samples: 3 });
    expect(observedDurations([], DEFAULT_DURATIONS.boot)).toBe(DEFAULT_DURATIONS.boot);
  });
});

describe('operation statuses', () => {
  it('running and paused operations are the active ones', () => {
    expect([...ACTIVE_STATUSES]).toEqual(['running', 'paused']);
  });
});
