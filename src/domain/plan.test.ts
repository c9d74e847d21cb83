import { describe, expect, it } from 'vitest';
import { offeringKey, plan, type Action } from './plan.js';
import { fleet, machine, observed, poolSpec } from '../../test/support/domain-fixtures.js';

const launched = (actions: Action[]) =>
  Object.fromEntries(actions.filter((a) => a.kind === 'launch').map((a) => [a.zone, a.count]));
const terminated = (actions: Action[]) => actions.filter((a) => a.kind === 'terminate').flatMap((a) => a.ids);

describe('plan', () => {
  it('launches what is missing, balanced over zones', () => {
    const p = plan(poolSpec({ desired: 10 }), observed(fleet(4)), 0);
    expect(p.target).toBe(10);
    expect(launched(p.actions)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('counts launches in flight, so a second tick does not launch again', () => {
    const p = plan(poolSpec({ desired: 10 }), observed(fleet(4), { pendingLaunches: new Map([['a', 6]]) }), 0);
    expect(p.actions).toEqual([]);
  });

  it('bounds machines in flight by maxLaunching', () => {
    const booting = fleet(150).map((m) => ({ ...m, state: 'booting' as const }));
    const p = plan(poolSpec({ desired: 1000, maxLaunching: 200 }), observed(booting), 0);
    const total = Object.values(launched(p.actions)).reduce((a, b) => a + b, 0);
    expect(total).toBe(50);
    expect(p.notes.join()).toMatch(/maxLaunching 200/);
  });

  it('clamps desired into [min, max]', () => {
    expect(plan(poolSpec({ desired: 0, min: 3 }), observed([]), 0).target).toBe(3);
    expect(plan(poolSpec({ desired: 99, max: 5 }), observed([]), 0).target).toBe(5);
  });

  it('removes the oldest first while keeping zones balanced', () => {
    // zone a holds the 4 oldest machines; b and c hold newer ones.
    const ms = [
      ...[0, 1, 2, 3].map((i) => machine(`a${i}`, { zone: 'a', launchedAt: i })),
      ...[10, 11, 12].map((i) => machine(`b${i}`, { zone: 'b', launchedAt: i })),
      ...[20, 21, 22].map((i) => machine(`c${i}`, { zone: 'c', launchedAt: i })),
    ];
    const victims = terminated(plan(poolSpec({ desired: 6 }), observed(ms), 0).actions);
    expect(victims).toEqual(['a0', 'a1', 'b10', 'c20']);
  });

  it('newest-first takes the youngest', () => {
    const victims = terminated(plan(poolSpec({ desired: 1, zones: ['a'], deletionOrder: 'newest-first' }), observed(fleet(3, ['a'])), 0).actions);
    expect(victims).toEqual(['m-000002', 'm-000001']);
  });

  it('never terminates protected machines and says so', () => {
    const ms = fleet(3, ['a']).map((m) => ({ ...m, protected: true }));
    const p = plan(poolSpec({ desired: 0, zones: ['a'] }), observed(ms), 0);
    expect(terminated(p.actions)).toEqual([]);
    expect(p.notes.join()).toMatch(/protected/);
  });

  it('removes machines that are not ready yet before ready ones', () => {
    const ms = [machine('old', { launchedAt: 0 }), machine('new', { launchedAt: 5, state: 'booting' })];
    expect(terminated(plan(poolSpec({ desired: 1, zones: ['a'] }), observed(ms), 0).actions)).toEqual(['new']);
  });

  it('replaces unhealthy machines: terminate and launch in the same plan', () => {
    const ms = fleet(3);
    ms[1] = { ...ms[1]!, state: 'unhealthy' };
    const p = plan(poolSpec({ desired: 3 }), observed(ms), 0);
    expect(terminated(p.actions)).toEqual([ms[1]!.id]);
    const launch = p.actions.find((a) => a.kind === 'launch');
    expect(launch).toMatchObject({ kind: 'launch', zone: 'b', count: 1, replaces: [ms[1]!.id], reason: 'Replace' });
  });

  it('links replacements to machines that died', () => {
    const p = plan(poolSpec({ desired: 3 }), observed(fleet(2), { unreplaced: ['dead-1'] }), 0);
    expect(p.actions).toEqual([{ kind: 'launch', zone: 'c', size: 'm5.large', count: 1, replaces: ['dead-1'], reason: 'Replace' }]);
  });

  it('falls back to the next size, then skips a zone with no capacity', () => {
    const obs = observed([], {
      sizes: ['m5.large', 'm6i.large'],
      unavailable: new Set([offeringKey('a', 'm5.large'), offeringKey('b', 'm5.large'), offeringKey('b', 'm6i.large')]),
    });
    const p = plan(poolSpec({ desired: 4 }), obs, 0);
    expect(p.actions).toEqual([
      { kind: 'launch', zone: 'a', size: 'm6i.large', count: 2, replaces: [], reason: 'ScaleOut' },
      { kind: 'launch', zone: 'c', size: 'm5.large', count: 2, replaces: [], reason: 'ScaleOut' },
    ]);
  });

  it('holds when no zone has capacity and says why', () => {
    const obs = observed([], { unavailable: new Set(['a', 'b', 'c'].map((z) => offeringKey(z, 'm5.large'))) });
    const p = plan(poolSpec({ desired: 2 }), obs, 0);
    expect(p.actions).toEqual([]);
    expect(p.notes[0]).toMatch(/no zone has capacity/);
  });

  it('does nothing on a converged pool', () => {
    expect(plan(poolSpec({ desired: 9 }), observed(fleet(9)), 0).actions).toEqual([]);
  });

  it('ignores machines that are terminating or stopped when counting', () => {
    const ms = [machine('t', { state: 'terminating' }), machine('s', { state: 'stopped' })];
    expect(launched(plan(poolSpec({ desired: 1, zones: ['a'] }), observed(ms), 0).actions)).toEqual({ a: 1 });
  });
});
