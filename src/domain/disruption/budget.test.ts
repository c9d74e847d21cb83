import { describe, expect, it } from 'vitest';
import { allowance, resolveBudget, type DisruptionBudget } from './budget.js';

// Monday 7 December 2026; Paris is UTC+1 in winter, so its 08:00 is 07:00 UTC.
const at = (iso: string) => Date.parse(iso);
const businessHours: DisruptionBudget = { max: { count: 0 }, reasons: ['drift', 'lifetime'], window: { cron: '0 8 * * 1-5', timezone: 'Europe/Paris', durationMs: 10 * 3_600_000 } };
const always: DisruptionBudget = { max: { percent: 20 } };

describe('disruption budgets', () => {
  it('a 0 budget in business hours holds drift from 08:00 to 18:00 Paris time, to the millisecond', () => {
    const budgets = [always, businessHours];
    expect(allowance(budgets, 'drift', 50, at('2026-12-07T06:59:59.999Z')).allowed).toBe(10);
    const open = allowance(budgets, 'drift', 50, at('2026-12-07T07:00:00.000Z'));
    expect(open).toMatchObject({ allowed: 0, until: at('2026-12-07T17:00:00.000Z') });
    expect(open.by).toContain('Europe/Paris');
    expect(allowance(budgets, 'drift', 50, at('2026-12-07T16:59:59.999Z')).allowed).toBe(0);
    expect(allowance(budgets, 'drift', 50, at('2026-12-07T17:00:00.000Z'))).toMatchObject({ allowed: 10, until: undefined });
  });

  it('follows Paris across daylight saving: in July the window is 06:00–16:00 UTC', () => {
    expect(allowance([businessHours], 'lifetime', 50, at('2027-07-05T05:59:00Z')).allowed).toBe(5);
    expect(allowance([businessHours], 'lifetime', 50, at('2027-07-05T06:00:00Z'))).toMatchObject({ allowed: 0, until: at('2027-07-05T16:00:00Z') });
  });

  it('is open at weekends: the window fires Monday to Friday only', () => {
    expect(allowance([businessHours], 'drift', 50, at('2026-12-12T10:00:00Z')).allowed).toBe(5);
  });

  it('a budget that names reasons leaves the others alone', () => {
    expect(allowance([businessHours], 'rebalance', 50, at('2026-12-07T10:00:00Z'))).toMatchObject({ allowed: 5 });
    expect(allowance([businessHours], 'rebalance', 50, at('2026-12-07T10:00:00Z')).by).toContain('default');
  });

  it('the tightest applying budget wins; without one, 10% of the pool', () => {
    expect(allowance([{ max: { count: 7 } }, { max: { percent: 10 } }], 'drift', 200, 0).allowed).toBe(7);
    expect(allowance([], 'drift', 200, 0).allowed).toBe(20);
  });

  it('shares round up, so a small pool still moves; a count of 0 is 0', () => {
    expect(resolveBudget({ percent: 10 }, 5)).toBe(1);
    expect(resolveBudget({ percent: 10 }, 21)).toBe(3);
    expect(resolveBudget({ percent: 0 }, 21)).toBe(0);
    expect(resolveBudget({ count: 0 }, 21)).toBe(0);
  });

  it('a tighter budget wins in either order, whatever its window', () => {
    const monday10 = at('2026-12-07T10:00:00Z');
    for (const budgets of [[always, businessHours], [businessHours, always]]) {
      expect(allowance(budgets, 'drift', 50, monday10)).toEqual({ allowed: 0, by: '0 in window "0 8 * * 1-5" Europe/Paris for 10h', until: at('2026-12-07T17:00:00Z') });
    }
    expect(allowance([always, businessHours], 'drift', 50, at('2026-12-07T18:00:00Z'))).toEqual({ allowed: 10, by: '20% at any time', until: undefined });
  });

  it('of two budgets that hold as much, the hold lasts until the later one ends', () => {
    // A Monday release freeze, 06:00 to 20:00 Paris (05:00 to 19:00 UTC), over business hours.
    const freeze: DisruptionBudget = { max: { count: 0 }, window: { cron: '0 6 * * 1', timezone: 'Europe/Paris', durationMs: 14 * 3_600_000 } };
    const monday10 = at('2026-12-07T10:00:00Z');
    for (const budgets of [[freeze, businessHours], [businessHours, freeze]]) {
      expect(allowance(budgets, 'drift', 50, monday10)).toEqual({ allowed: 0, by: '0 in window "0 6 * * 1" Europe/Paris for 14h', until: at('2026-12-07T19:00:00Z') });
    }
    // A budget without a window holds for good, so the hold has no end.
    const never: DisruptionBudget = { max: { count: 0 }, reasons: ['drift'] };
    for (const budgets of [[businessHours, never], [never, businessHours]]) {
      expect(allowance(budgets, 'drift', 50, monday10)).toEqual({ allowed: 0, by: '0 at any time', until: undefined });
    }
  });

  it('says which budget sets the allowance, as the hold message shows it', () => {
    expect(allowance([{ max: { count: 7 } }], 'lifetime', 200, 0).by).toBe('7 at any time');
    expect(allowance([always], 'lifetime', 200, 0).by).toBe('20% at any time');
    expect(allowance([], 'lifetime', 200, 0).by).toBe('10% at any time (the default)');
  });
});
