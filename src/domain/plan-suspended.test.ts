import { describe, expect, it } from 'vitest';
import type { MachineState } from './lifecycle.js';
import { plan, type Action } from './plan.js';
import { machine, observed, poolSpec } from '../../test/support/domain-fixtures.js';

/** Action kind → ids (or launch count), for compact expectations. */
function summary(actions: Action[]): Record<string, string[] | number> {
  const out: Record<string, string[] | number> = {};
  for (const a of actions) {
    if (a.kind === 'launch') out.launch = ((out.launch as number | undefined) ?? 0) + a.count;
    else out[a.kind] = [...((out[a.kind] as string[] | undefined) ?? []), ...a.ids];
  }
  return out;
}

const ms = (...states: MachineState[]) => states.map((state, i) => machine(`m${i}`, { state, zone: 'a', launchedAt: i }));

interface Row {
  name: string;
  suspended?: boolean;
  keepStopped?: boolean;
  desired: number;
  states: MachineState[];
  unreplaced?: string[];
  pending?: number;
  held?: string[];
  expect: Record<string, string[] | number>;
  current: number;
}

const rows: Row[] = [
  { name: 'suspended: running machines are stopped, nothing launched', suspended: true, desired: 3, states: ['ready', 'ready', 'booting'], expect: { stop: ['m0', 'm1', 'm2'] }, current: 3 },
  { name: 'suspended: stopped machines count, so none is replaced', suspended: true, desired: 3, states: ['stopped', 'stopped', 'stopped'], expect: {}, current: 3 },
  { name: 'suspended: a machine that died is not replaced while stopped', suspended: true, desired: 3, states: ['stopped', 'stopped'], unreplaced: ['dead'], expect: {}, current: 2 },
  { name: 'suspended: an unhealthy machine is stopped, not replaced', suspended: true, desired: 2, states: ['stopped', 'unhealthy'], expect: { stop: ['m1'] }, current: 2 },
  { name: 'suspended: machines still being created are stopped once they run', suspended: true, desired: 2, states: ['requested', 'launching'], expect: {}, current: 2 },
  { name: 'suspended: launches in flight count too', suspended: true, desired: 3, states: ['stopped'], pending: 2, expect: {}, current: 3 },
  { name: 'suspended: released to zero, stopped machines are terminated', suspended: true, desired: 0, states: ['stopped', 'stopped', 'ready'], expect: { terminate: ['m0', 'm1', 'm2'] }, current: 3 },
  { name: 'suspended: a machine an operation holds is left to it', suspended: true, desired: 2, states: ['ready', 'ready'], held: ['m1'], expect: { stop: ['m0'] }, current: 2 },
  { name: 'suspended: terminating machines neither count nor get stopped', suspended: true, desired: 1, states: ['terminating', 'stopped'], expect: {}, current: 1 },
  { name: 'resumed, keeps stopped: stopped machines are started, none launched', keepStopped: true, desired: 3, states: ['stopped', 'stopped', 'stopped'], expect: { start: ['m0', 'm1', 'm2'] }, current: 3 },
  { name: 'resumed, keeps stopped: a missing machine is launched beside the started ones', keepStopped: true, desired: 3, states: ['stopped', 'stopped'], expect: { start: ['m0', 'm1'], launch: 1 }, current: 2 },
  { name: 'resumed, keeps stopped: stopped machines beyond the size are terminated', keepStopped: true, desired: 1, states: ['ready', 'stopped'], expect: { terminate: ['m1'] }, current: 1 },
  { name: 'resumed, keeps stopped: released to zero, everything goes', keepStopped: true, desired: 0, states: ['stopped', 'ready'], expect: { terminate: ['m0', 'm1'] }, current: 1 },
  { name: 'not suspended, default pool: a stopped machine is replaced, as before', desired: 2, states: ['ready', 'stopped'], expect: { launch: 1 }, current: 1 },
  { name: 'not suspended: running machines are left running', suspended: false, keepStopped: true, desired: 2, states: ['ready', 'ready'], expect: {}, current: 2 },
];

describe('plan() with suspended pools', () => {
  it.each(rows)('$name', (r) => {
    const spec = poolSpec({ desired: r.desired, zones: ['a'], suspended: r.suspended, keepStopped: r.keepStopped });
    const obs = observed(ms(...r.states), {
      unreplaced: r.unreplaced ?? [],
      pendingLaunches: new Map(r.pending ? [['a', r.pending]] : []),
      held: r.held ? new Set(r.held) : undefined,
    });
    const p = plan(spec, obs, 0);
    expect(summary(p.actions)).toEqual(r.expect);
    expect(p.current).toBe(r.current);
  });

  it('says why a suspended pool launches nothing', () => {
    const p = plan(poolSpec({ desired: 2, zones: ['a'], suspended: true }), observed(ms('stopped', 'ready')), 0);
    expect(p.notes).toEqual(['suspended: 1 of 2 machines not running, 1 to stop; nothing launched or replaced']);
  });
});
