import { describe, expect, it } from 'vitest';
import type { HealthSnapshot } from '../health.js';
import { runPool } from './pipeline.js';
import { handTick, listed, machine, scriptedProvider, spec, T0 } from '../../../test/support/pool-tick.js';

const snap: HealthSnapshot = { beats: new Map(), paused: new Map(), protections: new Map() };
const HOUR = 3_600_000;

describe('the pool pipeline', () => {
  it('scales in the oldest machine, whatever its zone; one an operation holds is spared and the next oldest goes', async () => {
    // The oldest machine is in zone-a, the newest in zone-c: zone order and age order differ.
    const machines = [machine('m-young', { zone: 'zone-c', launchedAt: T0 - HOUR }), machine('m-eldest', { zone: 'zone-a', launchedAt: T0 - 5 * HOUR }), machine('m-mid', { zone: 'zone-b', launchedAt: T0 - 3 * HOUR })];
    const seen = machines.map((m) => listed(m.id, { zone: m.zone, launchedAt: m.launchedAt }));
    const run = async (held: string[]) => {
      const provider = scriptedProvider();
      const t = handTick({ spec: spec({ desired: 2 }), provider, machines, seen });
      const holds = { held: () => new Set(held), surge: () => 0, replacing: () => new Set<string>(), templateVersion: () => undefined };
      const p = await runPool(t, { snap, intents: [], holds });
      return { calls: provider.calls, actions: p.actions };
    };
    expect((await run([])).calls).toEqual(['terminate m-eldest']);
    const spared = await run(['m-eldest']);
    expect(spared.calls).toEqual(['terminate m-mid']);
    expect(spared.actions).toEqual([{ kind: 'terminate', ids: ['m-mid'], reason: 'ScaleIn' }]);
  });

  it('observes, then launches what is missing into the zones that lack machines, and waits for those launches before returning', async () => {
    const provider = scriptedProvider();
    const t = handTick({ spec: spec({ desired: 3 }), provider, machines: [machine('m-1', { zone: 'zone-c' })], seen: [listed('m-1', { zone: 'zone-c' }), listed('m-adopt', { zone: 'zone-c', status: 'pending', launchedAt: T0 - 10_000 })] });
    const p = await runPool(t, { snap, intents: [] });
    expect(p.actions.map((a) => a.kind === 'launch' && `${a.count}@${a.zone}`).sort()).toEqual(['1@zone-a']);
    expect(provider.calls).toEqual(['launch 1@zone-a']);
    expect([...t.live.values()].map((m) => `${m.zone} ${m.state}`)).toEqual(['zone-c ready', 'zone-c booting', 'zone-a booting']);
    expect((await t.events()).map((e) => e.reason)).toEqual(['Adopted', 'ScaledOut', 'Launched']);
  });

  it('an agent pool launches nothing until the API address is known', async () => {
    const provider = scriptedProvider({ capabilities: { stopStart: true, reboot: true, batchLaunch: true, agent: true } });
    const t = handTick({ spec: spec({ desired: 2 }), provider });
    await runPool(t, { snap, intents: [] });
    expect(provider.calls).toEqual([]);
  });
});
