import { describe, expect, it } from 'vitest';
import type { MachineState } from './lifecycle.js';
import { offeringKey, plan, type Action } from './plan.js';
import { machine, observed, poolSpec } from '../../test/support/domain-fixtures.js';

const T0 = Date.UTC(2026, 11, 6, 9, 0);
const MIN = 60_000;
const NOW = T0 + 120 * MIN;

const launched = (actions: Action[]) =>
  Object.fromEntries(actions.filter((a) => a.kind === 'launch').map((a) => [a.zone, a.count]));
const launchTotal = (actions: Action[]) =>
  actions.reduce((n, a) => n + (a.kind === 'launch' ? a.count : 0), 0);
const removed = (actions: Action[]) => actions.filter((a) => a.kind === 'terminate' || a.kind === 'drain').flatMap((a) => a.ids);

/** A machine launched `ageMin` minutes before NOW. */
const aged = (id: string, zone: string, ageMin: number, state: MachineState = 'ready') =>
  machine(id, { zone, state, launchedAt: NOW - ageMin * MIN, since: NOW - ageMin * MIN });

describe('plan: which machines go on scale-in', () => {
  // Zone order (a, b, c) is the reverse of age order: c holds the oldest machines, a the newest.
  const fleet = [
    aged('a-1', 'a', 10),
    aged('a-2', 'a', 20),
    aged('a-3', 'a', 30),
    aged('b-1', 'b', 40),
    aged('b-2', 'b', 50),
    aged('b-3', 'b', 60),
    aged('c-1', 'c', 70),
    aged('c-2', 'c', 80),
    aged('c-3', 'c', 90),
    aged('c-4', 'c', 100),
  ];

  it('takes from the largest zone first, then the oldest machine among equally large zones', () => {
    const p = plan(poolSpec({ desired: 6 }), observed(fleet), NOW);
    expect(p.actions).toEqual([{ kind: 'terminate', ids: ['c-4', 'c-3', 'b-3', 'a-3'], reason: 'ScaleIn' }]);
  });

  it('newest-first takes the youngest machine of the zone it balances', () => {
    const p = plan(poolSpec({ desired: 7, deletionOrder: 'newest-first' }), observed(fleet), NOW);
    // c is the largest zone, so its youngest goes first; then a, b and c are level and a's youngest is the youngest.
    expect(removed(p.actions)).toEqual(['c-1', 'a-1', 'b-1']);
  });

  it('removes an idle machine before a busy one, even from a smaller zone', () => {
    const busy = new Map(['c-1', 'c-2', 'c-3', 'c-4'].map((id) => [id, 2]));
    const p = plan(poolSpec({ desired: 9 }), observed(fleet, { busy }), NOW);
    expect(removed(p.actions)).toEqual(['b-3']);
  });

  it('removes the least busy first when every candidate is busy', () => {
    const ms = [aged('a-old', 'a', 90), aged('a-new', 'a', 10), aged('b-old', 'b', 80)];
    const busy = new Map([['a-old', 3], ['a-new', 1], ['b-old', 2]]);
    const p = plan(poolSpec({ desired: 1, zones: ['a', 'b'] }), observed(ms, { busy }), NOW);
    expect(removed(p.actions)).toEqual(['a-new', 'b-old']);
  });

  it('breaks a tie in age by machine id, so the choice is the same on every tick', () => {
    const ms = [aged('m-3', 'a', 30), aged('m-1', 'a', 30), aged('m-2', 'a', 30)];
    const p = plan(poolSpec({ desired: 1, zones: ['a'] }), observed(ms), NOW);
    expect(removed(p.actions)).toEqual(['m-1', 'm-2']);
  });

  it('moves on to other zones once a zone has only protected machines left', () => {
    const ms = [
      aged('a-1', 'a', 90),
      { ...aged('a-2', 'a', 80), protected: true },
      { ...aged('a-3', 'a', 70), protected: true },
      aged('b-1', 'b', 10),
      aged('b-2', 'b', 20),
    ];
    const p = plan(poolSpec({ desired: 2, zones: ['a', 'b'] }), observed(ms), NOW);
    expect(removed(p.actions)).toEqual(['a-1', 'b-2', 'b-1']);
  });

  it('says how many surplus machines it could not remove', () => {
    const ms = [
      aged('a-1', 'a', 40),
      aged('a-2', 'a', 30),
      { ...aged('a-3', 'a', 20), protected: true },
      { ...aged('a-4', 'a', 10), protected: true },
    ];
    const p = plan(poolSpec({ desired: 1, zones: ['a'] }), observed(ms), NOW);
    expect(removed(p.actions)).toEqual(['a-1', 'a-2']);
    expect(p.notes).toEqual(['1 surplus machines are protected or still launching']);
  });

  it('plans no empty removal when every surplus machine is protected', () => {
    const ms = [aged('a-1', 'a', 30), { ...aged('a-2', 'a', 20), protected: true }];
    const p = plan(poolSpec({ desired: 1, zones: ['a'] }), observed([{ ...ms[0]!, protected: true }, ms[1]!]), NOW);
    expect(p.actions).toEqual([]);
    expect(p.notes).toEqual(['1 surplus machines are protected or still launching']);
  });

  it('drains the surplus of a pool whose machines run an agent, and says nothing when all of it goes', () => {
    const p = plan(poolSpec({ desired: 8 }), observed(fleet, { drainFirst: true }), NOW);
    expect(p.actions).toEqual([{ kind: 'drain', ids: ['c-4', 'c-3'], reason: 'ScaleIn' }]);
    expect(p.notes).toEqual([]);
  });

  it('takes nothing back from draining machines while the pool is still too large', () => {
    const ms = [...fleet, aged('d-1', 'a', 5, 'draining'), aged('d-2', 'a', 4, 'draining')];
    const p = plan(poolSpec({ desired: 9 }), observed(ms), NOW);
    expect(p.actions).toEqual([{ kind: 'terminate', ids: ['c-4'], reason: 'ScaleIn' }]);
  });
});

describe('plan: what is already in flight', () => {
  const ready = (n: number) => Array.from({ length: n }, (_, i) => aged(`r-${i}`, 'a', 60 + i));

  it.each(['requested', 'launching', 'booting'] as const)('counts %s machines against maxLaunching', (state) => {
    const ms = [...ready(5), ...[0, 1, 2].map((i) => aged(`f-${i}`, 'a', 1, state))];
    const p = plan(poolSpec({ desired: 10, zones: ['a'], maxLaunching: 4 }), observed(ms), NOW);
    expect(p.current).toBe(8);
    expect(launchTotal(p.actions)).toBe(1);
    expect(p.notes).toEqual(['launching 1 of 2 now: 3 already in flight (maxLaunching 4)']);
  });

  it('counts launches not yet seen against maxLaunching', () => {
    const p = plan(
      poolSpec({ desired: 10, zones: ['a'], maxLaunching: 4 }),
      observed(ready(5), { pendingLaunches: new Map([['a', 3]]) }),
      NOW,
    );
    expect(launchTotal(p.actions)).toBe(1);
    expect(p.notes).toEqual(['launching 1 of 2 now: 3 already in flight (maxLaunching 4)']);
  });

  it('does not count ready machines as in flight', () => {
    const p = plan(poolSpec({ desired: 10, zones: ['a'], maxLaunching: 4 }), observed(ready(8)), NOW);
    expect(launchTotal(p.actions)).toBe(2);
    expect(p.notes).toEqual([]);
  });

  it('launches nothing and blames maxLaunching, not capacity, when the launch budget is spent', () => {
    const ms = [...[0, 1, 2, 3].map((i) => aged(`f-${i}`, 'a', 1, 'booting'))];
    const obs = observed(ms, { unavailable: new Set([offeringKey('a', 'm5.large')]) });
    const p = plan(poolSpec({ desired: 6, zones: ['a'], maxLaunching: 4 }), obs, NOW);
    expect(p.actions).toEqual([]);
    expect(p.notes).toEqual(['launching 0 of 2 now: 4 already in flight (maxLaunching 4)']);
  });

  it('counts replacements in flight against maxReplacing, and keeps the slots of the unhealthy it cannot replace yet', () => {
    const ms = [
      ...ready(3),
      { ...aged('new-1', 'a', 1, 'booting'), replaces: 'dead-1' },
      aged('u-1', 'a', 50, 'unhealthy'),
      aged('u-2', 'a', 40, 'unhealthy'),
      aged('u-3', 'a', 30, 'unhealthy'),
    ];
    const p = plan(poolSpec({ desired: 7, zones: ['a'] }), observed(ms, { maxReplacing: 2 }), NOW);
    expect(p.actions).toEqual([
      { kind: 'launch', zone: 'a', size: 'm5.large', count: 1, replaces: ['u-1'], reason: 'Replace' },
      { kind: 'terminate', ids: ['u-1'], reason: 'ReplaceUnhealthy' },
    ]);
    expect(p.notes).toEqual(['replacing 1 of 3 unhealthy now: 1 replacements in flight (maxReplacing 2)']);
  });

  it('a booting machine that is not a replacement leaves maxReplacing alone', () => {
    const ms = [...ready(3), aged('new-1', 'a', 1, 'booting'), aged('u-1', 'a', 50, 'unhealthy')];
    const p = plan(poolSpec({ desired: 5, zones: ['a'] }), observed(ms, { maxReplacing: 1 }), NOW);
    expect(removed(p.actions)).toEqual(['u-1']);
    expect(p.notes).toEqual([]);
  });

  it('replaces nothing while the brake holds, keeps the slots and says so', () => {
    const ms = [...ready(2), aged('u-1', 'a', 50, 'unhealthy'), aged('u-2', 'a', 40, 'unhealthy')];
    const p = plan(poolSpec({ desired: 4, zones: ['a'] }), observed(ms, { healingPaused: true }), NOW);
    expect(p.actions).toEqual([]);
    expect(p.notes).toEqual(['healing paused: 2 unhealthy machines left in place']);
    const healthy = plan(poolSpec({ desired: 2, zones: ['a'] }), observed(ready(2), { healingPaused: true }), NOW);
    expect(healthy.notes).toEqual([]);
  });

  it('terminate-first removes the unhealthy machine before launching its replacement', () => {
    const ms = [...ready(2), aged('u-1', 'a', 50, 'unhealthy')];
    const terminateFirst = plan(poolSpec({ desired: 3, zones: ['a'] }), observed(ms, { replacement: 'terminate-first' }), NOW);
    expect(terminateFirst.actions.map((a) => a.kind)).toEqual(['terminate', 'launch']);
    expect(terminateFirst.actions[0]).toEqual({ kind: 'terminate', ids: ['u-1'], reason: 'ReplaceUnhealthy' });
    const launchFirst = plan(poolSpec({ desired: 3, zones: ['a'] }), observed(ms), NOW);
    expect(launchFirst.actions.map((a) => a.kind)).toEqual(['launch', 'terminate']);
    const healthy = plan(poolSpec({ desired: 2, zones: ['a'] }), observed(ready(2), { replacement: 'terminate-first' }), NOW);
    expect(healthy.actions).toEqual([]);
  });
});

describe('plan: machines a bulk operation holds', () => {
  it('a held machine keeps its slot while stopped, so nothing is launched around it', () => {
    const ms = [aged('r-1', 'a', 60), aged('r-2', 'a', 50), aged('h-1', 'a', 40, 'stopped')];
    const p = plan(poolSpec({ desired: 3, zones: ['a'] }), observed(ms, { held: new Set(['h-1']) }), NOW);
    expect(p.current).toBe(3);
    expect(p.actions).toEqual([]);
  });

  it('a held machine is not started again by a pool that keeps its stopped machines', () => {
    const ms = [aged('r-1', 'a', 60), aged('h-1', 'a', 40, 'stopped')];
    const p = plan(poolSpec({ desired: 2, zones: ['a'], keepStopped: true }), observed(ms, { held: new Set(['h-1']) }), NOW);
    expect(p.actions).toEqual([]);
  });

  it('a held unhealthy machine is the operation’s to judge: not replaced, not terminated', () => {
    const ms = [aged('r-1', 'a', 60), aged('h-1', 'a', 40, 'unhealthy')];
    const p = plan(poolSpec({ desired: 2, zones: ['a'] }), observed(ms, { held: new Set(['h-1']) }), NOW);
    expect(p.actions).toEqual([]);
  });

  it('a held machine on its way out does not count', () => {
    const ms = [aged('r-1', 'a', 60), aged('h-1', 'a', 40, 'terminating'), aged('h-2', 'a', 30, 'draining')];
    const p = plan(poolSpec({ desired: 3, zones: ['a'] }), observed(ms, { held: new Set(['h-1', 'h-2']) }), NOW);
    // One ready machine, plus the draining one taken back.
    expect(p.current).toBe(2);
    expect(p.actions).toEqual([
      { kind: 'reclaim', ids: ['h-2'], reason: 'ScaleOut' },
      { kind: 'launch', zone: 'a', size: 'm5.large', count: 1, replaces: [], reason: 'ScaleOut' },
    ]);
  });

  it('a stopped machine nobody holds does not count', () => {
    const ms = [aged('r-1', 'a', 60), aged('s-1', 'a', 40, 'stopped')];
    const p = plan(poolSpec({ desired: 2, zones: ['a'] }), observed(ms, { held: new Set(['other']) }), NOW);
    expect(p.current).toBe(1);
    expect(launchTotal(p.actions)).toBe(1);
  });
});

describe('plan: draining and stopped machines', () => {
  it('takes back only as many draining machines as it needs, and never one whose drain is over', () => {
    const ms = [
      aged('r-1', 'a', 90),
      aged('d-1', 'a', 80, 'draining'),
      aged('d-2', 'a', 70, 'draining'),
      aged('d-3', 'a', 60, 'draining'),
      aged('d-4', 'a', 50, 'draining'),
    ];
    const drainOver = new Map([['d-1', 'Drained' as const], ['d-4', 'DrainTimeout' as const]]);
    const p = plan(poolSpec({ desired: 2, zones: ['a'] }), observed(ms, { drainOver }), NOW);
    expect(p.actions).toEqual([
      { kind: 'reclaim', ids: ['d-2'], reason: 'ScaleOut' },
      { kind: 'terminate', ids: ['d-1'], reason: 'Drained' },
      { kind: 'terminate', ids: ['d-4'], reason: 'DrainTimeout' },
    ]);
  });

  it('launches new machines when every draining machine is done', () => {
    const ms = [aged('r-1', 'a', 90), aged('d-1', 'a', 80, 'draining')];
    const p = plan(poolSpec({ desired: 2, zones: ['a'] }), observed(ms, { drainOver: new Map([['d-1', 'Drained']]) }), NOW);
    expect(p.actions).toEqual([
      { kind: 'launch', zone: 'a', size: 'm5.large', count: 1, replaces: [], reason: 'ScaleOut' },
      { kind: 'terminate', ids: ['d-1'], reason: 'Drained' },
    ]);
  });

  it('a resumed pool starts the stopped machines it needs and terminates the rest', () => {
    const ms = [aged('r-1', 'a', 90), aged('s-1', 'a', 80, 'stopped'), aged('s-2', 'a', 70, 'stopped'), aged('s-3', 'a', 60, 'stopped')];
    const p = plan(poolSpec({ desired: 3, zones: ['a'], keepStopped: true }), observed(ms), NOW);
    expect(p.actions).toEqual([
      { kind: 'start', ids: ['s-1', 's-2'], reason: 'Wake' },
      { kind: 'terminate', ids: ['s-3'], reason: 'ScaleIn' },
    ]);
    expect(p.current).toBe(3);
  });
});

describe('plan: where new machines go', () => {
  it('balances over the zones that have capacity, ignoring machines in a zone that has none', () => {
    const ms = [aged('b-1', 'b', 10), aged('b-2', 'b', 20), aged('a-1', 'a', 30)];
    const obs = observed(ms, { unavailable: new Set([offeringKey('b', 'm5.large')]) });
    const p = plan(poolSpec({ desired: 6 }), obs, NOW);
    expect(launched(p.actions)).toEqual({ a: 1, c: 2 });
  });

  it('names the zones it waits for when none has capacity', () => {
    const obs = observed([], { unavailable: new Set(['a', 'b'].map((z) => offeringKey(z, 'm5.large'))) });
    const p = plan(poolSpec({ desired: 1, zones: ['a', 'b'] }), obs, NOW);
    expect(p.notes).toEqual(['no zone has capacity for any size: waiting for capacity to return in a, b']);
  });
});

describe('plan: a suspended pool', () => {
  it('stops running machines, leaves those being created, draining or held, and ignores those on their way out', () => {
    const ms = [
      aged('r-1', 'a', 90),
      aged('u-1', 'a', 85, 'unhealthy'),
      aged('q-1', 'a', 80, 'requested'),
      aged('l-1', 'a', 75, 'launching'),
      aged('d-1', 'a', 70, 'draining'),
      aged('s-1', 'a', 65, 'stopped'),
      aged('h-1', 'a', 60),
      aged('t-1', 'a', 55, 'terminating'),
      aged('g-1', 'a', 50, 'gone'),
    ];
    const p = plan(poolSpec({ desired: 7, zones: ['a'], suspended: true }), observed(ms, { held: new Set(['h-1']) }), NOW);
    expect(p.current).toBe(7);
    expect(p.actions).toEqual([{ kind: 'stop', ids: ['r-1', 'u-1'], reason: 'Suspended' }]);
    expect(p.notes).toEqual(['suspended: 5 of 7 machines not running, 2 to stop; nothing launched or replaced']);
  });

  it('removes machines only when its target drops, and does not stop those it removes', () => {
    const ms = [aged('r-1', 'a', 90), aged('r-2', 'a', 80), aged('s-1', 'a', 70, 'stopped')];
    const p = plan(poolSpec({ desired: 1, zones: ['a'], suspended: true }), observed(ms), NOW);
    expect(p.actions).toEqual([
      { kind: 'stop', ids: ['r-2'], reason: 'Suspended' },
      { kind: 'terminate', ids: ['s-1', 'r-1'], reason: 'ScaleIn' },
    ]);
    const exact = plan(poolSpec({ desired: 3, zones: ['a'], suspended: true }), observed(ms), NOW);
    expect(exact.actions).toEqual([{ kind: 'stop', ids: ['r-1', 'r-2'], reason: 'Suspended' }]);
  });
});
