import { describe, expect, it } from 'vitest';
import type { MachineRow } from './types.js';
import { applyRefresh, patchStates, stateAfter, type Machines } from './pool-live.js';

const row = (id: string, state: MachineRow['state']): MachineRow => ({
  id,
  pool: 'analysis',
  provider: 'sim',
  zone: 'sim-a',
  size: 'm5.large',
  state,
  since: '2026-12-07T10:00:00.000Z',
  launchedAt: '2026-12-07T09:00:00.000Z',
  readyAt: null,
  templateVersion: 1,
  replaces: null,
  protected: false,
  labels: {},
  address: null,
  addresses: [],
});

const fleet = (rows: MachineRow[]): Machines => ({ list: rows, index: new Map(rows.map((m, i) => [m.id, i])) });

describe('live machine map updates', () => {
  it('reads the new state from an event: its `to`, else what its reason implies, else nothing', () => {
    expect(stateAfter({ reason: 'Rebooting', data: { from: 'ready', to: 'rebooting' } })).toBe('rebooting');
    expect(stateAfter({ reason: 'Terminating', data: { from: 'ready', reason: 'scale-in' } })).toBe('terminating');
    expect(stateAfter({ reason: 'Reclaimed', data: { from: 'draining' } })).toBe('ready');
    // A launch adds a machine: no state change to patch, the page refetches instead.
    expect(stateAfter({ reason: 'Launched', data: { intent: 'i-1' } })).toBeUndefined();
    expect(stateAfter({ reason: 'DesiredChanged', data: { from: 3, to: 5 } })).toBeUndefined();
  });

  it('patches only the machines named, keeps every other row and the order, and dates the change', () => {
    const before = fleet([row('sim-1', 'ready'), row('sim-2', 'ready'), row('sim-3', 'ready')]);
    const after = patchStates(before, [
      { id: 'sim-2', state: 'rebooting', at: '2026-12-07T11:00:00.000Z' },
      { id: 'sim-9', state: 'rebooting', at: '2026-12-07T11:00:00.000Z' },
    ]);
    expect(after.list.map((m) => `${m.id} ${m.state}`)).toEqual(['sim-1 ready', 'sim-2 rebooting', 'sim-3 ready']);
    expect(after.list[1]!.since).toBe('2026-12-07T11:00:00.000Z');
    expect(after.list[0]).toBe(before.list[0]);
    // The map repaints by comparing rows: the rows it had must be left as they were.
    expect(before.list[1]!.state).toBe('ready');
  });

  it('hands back the same machines when nothing changed, so nothing renders', () => {
    const before = fleet([row('sim-1', 'ready')]);
    expect(patchStates(before, [{ id: 'sim-1', state: 'ready', at: '2026-12-07T11:00:00.000Z' }])).toBe(before);
  });

  it('applies a refresh: changed machines in place, and a new order when machines came or went', () => {
    const before = fleet([row('sim-1', 'ready'), row('sim-2', 'ready')]);
    expect(applyRefresh(before, null, [])).toBe(before);
    const changed = applyRefresh(before, null, [row('sim-2', 'unhealthy')]);
    expect(changed.list.map((m) => m.state)).toEqual(['ready', 'unhealthy']);
    expect(changed.list[0]).toBe(before.list[0]);
    const grown = applyRefresh(before, ['sim-0', 'sim-2'], [row('sim-0', 'booting')]);
    expect(grown.list.map((m) => `${m.id} ${m.state}`)).toEqual(['sim-0 booting', 'sim-2 ready']);
    expect(grown.index.get('sim-2')).toBe(1);
    expect(grown.index.has('sim-1')).toBe(false);
  });
});
