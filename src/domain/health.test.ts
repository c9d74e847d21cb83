import { describe, expect, it } from 'vitest';
import { brakeHolds, brakeTrips, DEFAULT_HEALTH, drainOver, failingOfferings, judge, type HealthPolicy } from './health.js';
import { plan } from './plan.js';
import { fleet, machine, observed, poolSpec } from '../../test/support/domain-fixtures.js';

const policy: HealthPolicy = { ...DEFAULT_HEALTH, heartbeatTimeoutMs: 4_000, bootGraceMs: 10_000, drainTimeoutMs: 30_000 };
const beat = (lastAt: number, over: Partial<{ busy: number; drained: boolean }> = {}) => ({ joinedAt: 0, lastAt, busy: 0, drained: false, ...over });

describe('judge: health verdicts', () => {
  it.each([
    ['fresh heartbeat', machine('m', { readyAt: 0 }), beat(9_000), 10_000, null],
    ['heartbeat older than the timeout', machine('m', { readyAt: 0 }), beat(5_000), 10_000, 'HeartbeatTimeout'],
    ['silence counts from ready when no beat since', machine('m', { readyAt: 8_000 }), beat(1_000), 10_000, null],
    ['booting within grace', machine('m', { state: 'booting' }), undefined, 9_000, null],
    ['booting past grace, never joined', machine('m', { state: 'booting' }), undefined, 11_000, 'NeverJoined'],
    ['started again after a stop: grace counts from the start', machine('m', { state: 'booting', readyAt: 1_000, since: 50_000 }), undefined, 59_000, null],
    ['started again after a stop, past grace, never joined', machine('m', { state: 'booting', readyAt: 1_000, since: 50_000 }), undefined, 61_000, 'NeverJoined'],
    ['draining machines are not judged', machine('m', { state: 'draining' }), beat(0), 60_000, null],
  ])('%s', (_name, m, b, now, reason) => {
    expect(judge(m, { agent: true, beat: b }, policy, now)?.reason ?? null).toBe(reason);
  });

  it('machines without agents are judged by probes only', () => {
    const withProbe = { ...policy, probe: { kind: 'tcp' as const, path: '/', timeoutMs: 100, failures: 3 } };
    expect(judge(machine('m', { readyAt: 0 }), { agent: false }, policy, 60_000)).toBeNull();
    expect(judge(machine('m', { readyAt: 0 }), { agent: false, probeFailures: 2 }, withProbe, 60_000)).toBeNull();
    expect(judge(machine('m', { readyAt: 0 }), { agent: false, probeFailures: 3 }, withProbe, 60_000)?.reason).toBe('ProbeFailed');
  });
});

describe('judge: silence from before the controller watched never counts', () => {
  const start = Date.UTC(2026, 11, 6, 9, 0);
  const restart = start + 60_000; // down for 60 s, many heartbeat timeouts
  it.each([
    ['last beat before the downtime, judged at once after a restart', machine('m', { readyAt: start }), beat(start + 10_000), restart, null],
    ['within one timeout of the restart, no beat yet', machine('m', { readyAt: start }), beat(start + 10_000), restart + 4_000, null],
    ['one full timeout of its own observation without a beat', machine('m', { readyAt: start }), beat(start + 10_000), restart + 4_001, 'HeartbeatTimeout'],
    ['a beat after the restart, then silence for the timeout', machine('m', { readyAt: start }), beat(restart + 2_000), restart + 6_001, 'HeartbeatTimeout'],
    ['boot grace that ran out while down: one timeout to join', machine('m', { state: 'booting', launchedAt: start, since: start }), undefined, restart + 4_000, null],
    ['boot grace out and one timeout of observation passed', machine('m', { state: 'booting', launchedAt: start, since: start }), undefined, restart + 4_001, 'NeverJoined'],
  ])('%s', (_name, m, b, now, reason) => {
    expect(judge(m, { agent: true, beat: b, observedFrom: restart }, policy, now)?.reason ?? null).toBe(reason);
  });
});

describe('brakeHolds: a tripped brake releases itself when what it counted recovers', () => {
  const counted = ['a', 'b', 'c'];
  it.each([
    ['all three still failed', [], 5, true],
    ['all three recovered', ['a', 'b', 'c'], 5, false],
    ['two recovered, one dead: one is no mass failure', ['a', 'b'], 5, false],
    ['one recovered, two dead in a pool of 5 (40% > 30%)', ['a'], 5, true],
    ['one recovered, two dead in a pool of 10 (20%)', ['a'], 10, false],
    ['two recovered, one dead in a pool of 2 (50%): one is still no mass failure', ['a', 'b'], 2, false],
    ['none recovered, three dead in a pool of 10: 30% is not more than 30%', [], 10, false],
    ['none recovered, three dead in a pool of 9 (33%)', [], 9, true],
  ] as const)('%s', (_name, back, size, holds) => {
    expect(brakeHolds(counted, (id) => (back as readonly string[]).includes(id), size, policy)).toBe(holds);
  });
});

describe('brake, offerings, drains', () => {
  it('trips above the share within the window only', () => {
    expect(brakeTrips([0, 0, 0], 10, policy, 1_000)).toBe(false); // 30% is not more than 30%
    expect(brakeTrips([0, 0, 0, 0], 10, policy, 1_000)).toBe(true);
    expect(brakeTrips([0, 0, 0, 0], 10, policy, policy.brake.windowMs + 1)).toBe(false);
    expect(brakeTrips([0], 3, policy, 1_000)).toBe(false); // one of three is 33%, but one is not "mass"
    expect(brakeTrips([0, 0], 5, policy, 1_000)).toBe(true);
  });

  it('an offering that failed 3 times in the window is skipped', () => {
    const f = (key: string, at: number) => ({ key, at });
    expect([...failingOfferings([f('a/x', 0), f('a/x', 1), f('b/x', 2), f('a/x', 3)], 60_000, 10)]).toEqual(['a/x']);
    expect(failingOfferings([f('a/x', 0), f('a/x', 1), f('a/x', 3)], 60_000, 70_000).size).toBe(0);
  });

  it('a drain ends when the agent says drained, or at the deadline', () => {
    const d = machine('m', { state: 'draining', since: 1_000 });
    expect(drainOver(d, beat(2_000, { busy: 2 }), true, policy, 2_000)).toBeNull();
    expect(drainOver(d, beat(2_000, { drained: true }), true, policy, 2_000)).toBe('Drained');
    expect(drainOver(d, beat(500, { drained: true }), true, policy, 2_000)).toBeNull(); // a report from before this drain
    expect(drainOver(d, beat(2_000, { busy: 2 }), true, policy, 31_000)).toBe('DrainTimeout');
    expect(drainOver(d, undefined, false, policy, 1_000)).toBe('Drained');
  });
});

describe('plan with health and drains', () => {
  const spec = poolSpec({ desired: 5, zones: ['a'] });
  const five = () => fleet(5, ['a']);

  it('launch-first: the replacement is planned before the unhealthy machine is terminated', () => {
    const ms = five();
    ms[0] = { ...ms[0]!, state: 'unhealthy' };
    const p = plan(spec, observed(ms), 0);
    expect(p.actions.map((a) => a.kind)).toEqual(['launch', 'terminate']);
    expect(p.actions[0]).toMatchObject({ reason: 'Replace', replaces: [ms[0]!.id] });
    const tf = plan(spec, observed(ms, { replacement: 'terminate-first' }), 0);
    expect(tf.actions.map((a) => a.kind)).toEqual(['terminate', 'launch']);
  });

  it('the brake holds unhealthy machines in place: no terminate, no launch around them', () => {
    const ms = five().map((m, i) => (i < 3 ? { ...m, state: 'unhealthy' as const } : m));
    expect(plan(spec, observed(ms, { healingPaused: true }), 0).actions).toEqual([]);
  });

  it('at most maxReplacing replacements in flight', () => {
    const ms = five().map((m, i) => (i < 3 ? { ...m, state: 'unhealthy' as const } : m));
    const p = plan(spec, observed(ms, { maxReplacing: 1 }), 0);
    expect(p.actions).toMatchObject([{ kind: 'launch', count: 1 }, { kind: 'terminate', ids: [ms[0]!.id] }]);
  });

  it('scale-in drains idle machines first, busy ones last', () => {
    const ms = five();
    const busy = new Map([[ms[0]!.id, 2], [ms[1]!.id, 1]]);
    const p = plan({ ...spec, desired: 2 }, observed(ms, { drainFirst: true, busy }), 0);
    expect(p.actions).toEqual([{ kind: 'drain', ids: [ms[2]!.id, ms[3]!.id, ms[4]!.id], reason: 'ScaleIn' }]);
  });

  it('draining machines do not block scaling, are reclaimed before launching, and go once drained', () => {
    const ms = five();
    ms[4] = { ...ms[4]!, state: 'draining' };
    ms[3] = { ...ms[3]!, state: 'draining' };
    const grow = plan({ ...spec, desired: 4 }, observed(ms, { drainFirst: true }), 0);
    expect(grow.actions).toEqual([{ kind: 'reclaim', ids: [ms[3]!.id], reason: 'ScaleOut' }]);
    const shrink = plan({ ...spec, desired: 2 }, observed(ms, { drainFirst: true, drainOver: new Map([[ms[4]!.id, 'DrainTimeout' as const]]) }), 0);
    expect(shrink.actions).toEqual([
      { kind: 'drain', ids: [ms[0]!.id], reason: 'ScaleIn' },
      { kind: 'terminate', ids: [ms[4]!.id], reason: 'DrainTimeout' },
    ]);
  });
});
