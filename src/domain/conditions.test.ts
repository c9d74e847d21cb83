import { describe, expect, it } from 'vitest';
import { activeConditions, type PoolCondition } from './conditions.js';

const t0 = Date.UTC(2026, 11, 6, 9, 0);
const HOUR = 3_600_000;

const healing: PoolCondition = { pool: 'web', type: 'HealingPaused', since: t0, reason: 'MassFailure', message: '3 of 10 machines failed within 5 min' };
const paused: PoolCondition = { pool: 'web', type: 'AutoscalingPaused', since: t0, reason: 'Requested', message: 'autoscaling paused for 1 h', until: t0 + HOUR };
const provider: PoolCondition = { pool: 'batch', type: 'ProviderUnavailable', since: t0 - HOUR, reason: 'ListFailed', message: 'provider sim has not answered' };

describe('activeConditions: what `flotte pools` and /metrics show as holding now', () => {
  it('keeps a condition with no end for as long as it is stored, however old', () => {
    expect(activeConditions([healing, provider], t0 + 30 * 24 * HOUR)).toEqual([healing, provider]);
  });

  it('keeps a timed pause until its end and drops it from the end on', () => {
    const all = [healing, paused, provider];
    expect(activeConditions(all, t0 + HOUR - 1)).toEqual([healing, paused, provider]);
    expect(activeConditions(all, t0 + HOUR)).toEqual([healing, provider]);
    expect(activeConditions(all, t0 + 2 * HOUR)).toEqual([healing, provider]);
  });

  it('a pause that ended before it was read is not shown, even when it is the only condition', () => {
    expect(activeConditions([{ ...paused, until: t0 - 1 }], t0)).toEqual([]);
  });
});
