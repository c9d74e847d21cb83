import { describe, expect, it } from 'vitest';
import { allowance } from './budget.js';
import { DEFAULT_DISRUPTION } from './policy.js';

describe('the disruption policy of a pool that sets none', () => {
  it('rolls out on its own, a tenth of the pool at a time, with no lifetime', () => {
    expect(DEFAULT_DISRUPTION.rollout).toEqual({ mode: 'automatic', maxUnavailable: { percent: 10 } });
    expect(DEFAULT_DISRUPTION.maxLifetimeMs).toBeUndefined();
  });

  it('has no budget of its own, so the default one applies: a tenth of the pool, rounded up', () => {
    const monday = Date.parse('2026-12-07T09:30:00Z');
    expect(allowance(DEFAULT_DISRUPTION.budgets, 'drift', 45, monday)).toEqual({ allowed: 5, by: '10% at any time (the default)' });
  });
});
