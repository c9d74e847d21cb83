import { describe, expect, it } from 'vitest';
import { machine } from '../../test/support/domain-fixtures.js';
import { cutAtDeadline, finishedRun, holdForLaunchHooks, hookStep, needsTerminateHooks, startRun, type HookRun, type LifecycleHook, type PoolHooks } from './hooks.js';
import { reconcileMachine } from './reconcile.js';

const hook = (name: string, over: Partial<LifecycleHook> = {}): LifecycleHook => ({ name, command: `./${name}.sh`, timeoutMs: 30_000, defaultResult: 'abandon', ...over });
const runsOf = (...runs: HookRun[]) => new Map(runs.map((r) => [r.hook, r]));
const m = machine('i-1', { state: 'booting' });
const ran = (h: LifecycleHook, status: HookRun['status'], at = 0): HookRun => ({ ...startRun(m, 'launch', h, 'Launched', at), status, ...(status !== 'running' ? { endedAt: at + 1_000 } : {}) });
const LAUNCH: PoolHooks = { launch: [hook('register')], terminate: [] };

describe('lifecycle hooks: the walk of one machine\'s hooks', () => {
  const [a, b] = [hook('a'), hook('b', { defaultResult: 'continue' })];

  it('starts the first hook, then waits while it runs', () => {
    expect(hookStep([a, b], runsOf())).toEqual({ kind: 'start', hook: a });
    expect(hookStep([a, b], runsOf(ran(a, 'running')))).toMatchObject({ kind: 'wait', hook: a });
  });

  it('runs the hooks one at a time, in order: the second starts once the first passed', () => {
    expect(hookStep([a, b], runsOf(ran(a, 'passed')))).toEqual({ kind: 'start', hook: b });
    expect(hookStep([a, b], runsOf(ran(a, 'passed'), ran(b, 'passed')))).toEqual({ kind: 'end', result: 'continue' });
  });

  it('a hook that fails or times out takes its default result: abandon ends the walk, continue goes on', () => {
    const failedA = ran(a, 'failed');
    expect(hookStep([a, b], runsOf(failedA))).toEqual({ kind: 'end', result: 'abandon', by: failedA });
    expect(hookStep([b, a], runsOf(ran(b, 'timeout')))).toEqual({ kind: 'start', hook: a });
  });

  it('a run of a hook no longer configured is ignored; no hooks at all ends at once', () => {
    expect(hookStep([b], runsOf(ran(a, 'failed')))).toEqual({ kind: 'start', hook: b });
    expect(hookStep([], runsOf())).toEqual({ kind: 'end', result: 'continue' });
  });
});

describe('lifecycle hooks: runs and their ends', () => {
  const h = hook('register', { timeoutMs: 30_000 });

  it('a run is cut at its deadline, not before, and ends at the deadline', () => {
    const run = startRun(m, 'launch', h, 'Launched', 1_000);
    expect(run).toMatchObject({ id: 'i-1:launch:register', status: 'running', deadline: 31_000, kind: 'command' });
    expect(cutAtDeadline(run, 30_999)).toBeUndefined();
    expect(cutAtDeadline(run, 45_000)).toMatchObject({ status: 'timeout', endedAt: 31_000, detail: 'its agent reported no end' });
    expect(cutAtDeadline({ ...run, status: 'passed' }, 45_000)).toBeUndefined();
  });

  it('an answer passes or fails the run; a failure at or past the deadline is a timeout', () => {
    const run = startRun(m, 'launch', h, 'Launched', 0);
    expect(finishedRun(run, true, 'HTTP 204', 2_000)).toMatchObject({ status: 'passed', endedAt: 2_000 });
    expect(finishedRun(run, false, 'HTTP 500', 2_000)).toMatchObject({ status: 'failed', detail: 'HTTP 500' });
    expect(finishedRun(run, false, 'killed by SIGKILL', 30_400)).toMatchObject({ status: 'timeout', endedAt: 30_000 });
  });
});

describe('lifecycle hooks: where they stand in the lifecycle', () => {
  const up = reconcileMachine(machine('i-1', { state: 'booting' }), { status: 'running' }, 100_000, 10_000);

  it('a machine that never served stays booting while the pool has launch hooks', () => {
    expect(up).toMatchObject({ to: 'ready' });
    expect(holdForLaunchHooks(up, { state: 'booting', readyAt: undefined }, LAUNCH)).toBeNull();
    expect(holdForLaunchHooks(up, { state: 'launching', readyAt: undefined }, LAUNCH)).toMatchObject({ to: 'booting', reason: 'Booting' });
  });

  it('without launch hooks, or for a machine that served before (a reboot, a recovery), ready is ready', () => {
    expect(holdForLaunchHooks(up, { state: 'booting', readyAt: undefined }, { launch: [], terminate: [hook('x')] })).toBe(up);
    expect(holdForLaunchHooks(up, { state: 'booting', readyAt: undefined }, undefined)).toBe(up);
    expect(holdForLaunchHooks(up, { state: 'rebooting', readyAt: 5_000 }, LAUNCH)).toBe(up);
  });

  it('other moves are not held: a death is a death', () => {
    const died = reconcileMachine(machine('i-1', { state: 'booting' }), { status: 'terminated' }, 100_000, 10_000);
    expect(holdForLaunchHooks(died, { state: 'booting', readyAt: undefined }, LAUNCH)).toBe(died);
  });

  it('terminate hooks run for a machine that served or began its launch hooks, not for one given up before it ran', () => {
    expect(needsTerminateHooks({ readyAt: 5_000 }, false)).toBe(true);
    expect(needsTerminateHooks({ readyAt: undefined }, true)).toBe(true);
    expect(needsTerminateHooks({ readyAt: undefined }, false)).toBe(false);
  });
});
