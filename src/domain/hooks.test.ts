import { describe, expect, it } from 'vitest';
import { machine } from '../../test/support/domain-fixtures.js';
import { cutAtDeadline, DEFAULT_HOOK_RESULT, finishedRun, holdForLaunchHooks, hookStep, needsTerminateHooks, resultOf, seconds, startRun, type HookRun, type LifecycleHook, type PoolHooks } from './hooks.js';
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

  it('a hook left at its default result abandons when it fails: a machine nobody vouched for does not serve', () => {
    const vouch = hook('vouch', { defaultResult: DEFAULT_HOOK_RESULT });
    const failed = ran(vouch, 'failed');
    expect(hookStep([vouch, b], runsOf(failed))).toEqual({ kind: 'end', result: 'abandon', by: failed });
  });

  it('a passed hook continues whatever its default result', () => {
    expect(resultOf(ran(a, 'passed'), a)).toBe('continue');
    expect(resultOf(ran(a, 'timeout'), a)).toBe('abandon');
    expect(resultOf(ran(b, 'failed'), b)).toBe('continue');
  });

  it('a run of a hook no longer configured is ignored; no hooks at all ends at once', () => {
    expect(hookStep([b], runsOf(ran(a, 'failed')))).toEqual({ kind: 'start', hook: b });
    expect(hookStep([], runsOf())).toEqual({ kind: 'end', result: 'continue' });
  });
});

describe('lifecycle hooks: runs and their ends', () => {
  const h = hook('register', { timeoutMs: 30_000 });

  it('a new run is stored running, with its deadline, and its outcome not yet announced', () => {
    const t = Date.parse('2026-12-07T09:30:00Z');
    expect(startRun(machine('i-0f3a', { pool: 'web' }), 'terminate', h, 'ScaleIn', t)).toEqual({
      id: 'i-0f3a:terminate:register', machine: 'i-0f3a', pool: 'web', transition: 'terminate', hook: 'register', kind: 'command', cause: 'ScaleIn', status: 'running', startedAt: t, deadline: t + 30_000, announced: false,
    });
  });

  it('a run is cut at its deadline, not before, and ends at the deadline', () => {
    const run = startRun(m, 'launch', h, 'Launched', 1_000);
    expect(run).toMatchObject({ id: 'i-1:launch:register', status: 'running', deadline: 31_000, kind: 'command' });
    expect(cutAtDeadline(run, 30_999)).toBeUndefined();
    expect(cutAtDeadline(run, 31_000)).toMatchObject({ status: 'timeout', endedAt: 31_000 });
    expect(cutAtDeadline(run, 45_000)).toMatchObject({ status: 'timeout', endedAt: 31_000, detail: 'its agent reported no end' });
    expect(cutAtDeadline({ ...run, status: 'passed' }, 45_000)).toBeUndefined();
  });

  it('a webhook cut at its deadline got no answer', () => {
    const web = hook('notify-cmdb', { command: undefined, webhook: { url: 'https://cmdb.example.com/hooks', secret: { env: 'CMDB_HOOK_KEY' } }, timeoutMs: 10_000 });
    const run = startRun(m, 'launch', web, 'Launched', 1_000);
    expect(run.kind).toBe('webhook');
    expect(cutAtDeadline(run, 11_000)).toMatchObject({ status: 'timeout', endedAt: 11_000, detail: 'no answer' });
  });

  it('an answer passes or fails the run; a failure at or past the deadline is a timeout', () => {
    const run = startRun(m, 'launch', h, 'Launched', 0);
    expect(finishedRun(run, true, 'HTTP 204', 2_000)).toMatchObject({ status: 'passed', endedAt: 2_000 });
    expect(finishedRun(run, false, 'HTTP 500', 2_000)).toMatchObject({ status: 'failed', detail: 'HTTP 500' });
    expect(finishedRun(run, false, 'killed by SIGKILL', 30_400)).toMatchObject({ status: 'timeout', endedAt: 30_000 });
    expect(finishedRun(run, false, 'HTTP 503', 30_000)).toMatchObject({ status: 'timeout', endedAt: 30_000 });
    expect(finishedRun(run, false, 'HTTP 503', 29_999)).toMatchObject({ status: 'failed', endedAt: 29_999 });
  });

  it('a run lasts whole seconds when whole, else to the tenth, as its event says', () => {
    expect(seconds(30_000)).toBe('30s');
    expect(seconds(2_500)).toBe('2.5s');
    expect(seconds(1_234)).toBe('1.2s');
  });
});

describe('lifecycle hooks: where they stand in the lifecycle', () => {
  const up = reconcileMachine(machine('i-1', { state: 'booting' }), { status: 'running' }, 100_000, 10_000);

  it('a machine that never served stays booting while the pool has launch hooks', () => {
    expect(up).toMatchObject({ to: 'ready' });
    expect(holdForLaunchHooks(up, { state: 'booting', readyAt: undefined }, LAUNCH)).toBeNull();
    expect(holdForLaunchHooks(up, { state: 'launching', readyAt: undefined }, LAUNCH)).toEqual({ to: 'booting', reason: 'Booting', cause: 'up; waiting for its launch hooks', unexpected: false });
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
