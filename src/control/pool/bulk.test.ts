import { describe, expect, it } from 'vitest';
import { recordTransition } from './bulk.js';
import { handTick, machine, T0 } from '../../../test/support/pool-tick.js';

describe('operation transitions', () => {
  it('records what an operation caused, with the operation as cause, and leaves machines that may not move so', async () => {
    const t = handTick({ now: T0 + 5_000, machines: [machine('m-c', { zone: 'zone-c' }), machine('m-ending', { state: 'terminating' }), machine('m-a', { zone: 'zone-a', state: 'rebooting' })] });
    recordTransition(t, { ids: ['m-c', 'm-ending', 'm-a', 'm-unknown'], to: 'rebooting', reason: 'Rebooting', cause: 'operation op-1' });
    expect([...t.live.values()].map((m) => `${m.id} ${m.state} ${m.since - T0}`)).toEqual(['m-c rebooting 5000', 'm-ending terminating -3600000', 'm-a rebooting -3600000']);
    const events = await t.events();
    expect(events.map((e) => [e.reason, e.message, e.data])).toEqual([['Rebooting', 'm-c: ready → rebooting (operation op-1)', { from: 'ready', to: 'rebooting', cause: 'operation op-1' }]]);
  });
});
