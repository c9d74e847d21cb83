import { describe, expect, it } from 'vitest';
import { TAG } from '../../domain/types.js';
import { adopt, fold } from './observe.js';
import { handTick, listed, machine, T0 } from '../../../test/support/pool-tick.js';

const MIN = 60_000;
const noAgent = { agent: false, joined: () => false };

describe('observe phase', () => {
  it('adopts what carries the pool tags without a record, but never what the cloud is ending', async () => {
    const t = handTick({
      machines: [machine('m-known', { zone: 'zone-c' })],
      seen: [
        listed('m-known', { zone: 'zone-c' }),
        listed('m-lost', { zone: 'zone-b', status: 'pending', tags: { [TAG.pool]: 'web', [TAG.intent]: 'li-7', [TAG.template]: '2' } }),
        listed('m-ending', { status: 'terminating' }),
        listed('m-ended', { status: 'terminated' }),
      ],
    });
    adopt(t);
    expect([...t.live.keys()]).toEqual(['m-known', 'm-lost']);
    expect(t.live.get('m-lost')).toMatchObject({ state: 'booting', zone: 'zone-b', intent: 'li-7', templateVersion: 2, since: T0 });
    const events = await t.events();
    expect(events.map((e) => [e.reason, e.machine, e.message])).toEqual([['Adopted', 'm-lost', "adopted m-lost (pending) found in the cloud with web's tags"]]);
    expect(t.mem.saved.map((m) => m.id)).toEqual(['m-lost']);
  });

  it('folds the cloud into each lifecycle: ready, died (queued for replacement), re-sent terminates; a change newer than the list is left alone', async () => {
    // Ages run against zone order: the oldest machine is in zone-c, the newest in zone-a.
    const t = handTick({
      machines: [
        machine('m-new', { zone: 'zone-a', state: 'booting', launchedAt: T0 - 2 * MIN, since: T0 - 2 * MIN, readyAt: undefined }),
        machine('m-old', { zone: 'zone-c', launchedAt: T0 - 90 * MIN, since: T0 - 80 * MIN }),
        machine('m-mid', { zone: 'zone-b', state: 'terminating', launchedAt: T0 - 40 * MIN, since: T0 - MIN }),
        machine('m-rebooted', { zone: 'zone-b', state: 'rebooting', since: T0 + 10 }),
      ],
      seen: [listed('m-new', { zone: 'zone-a' }), listed('m-mid', { zone: 'zone-b' }), listed('m-rebooted', { zone: 'zone-b' })],
    });
    const resend = fold(t, noAgent);
    expect(resend).toEqual(['m-mid']);
    expect(t.unreplaced).toEqual(['m-old']);
    expect(t.live.get('m-new')).toMatchObject({ state: 'ready', since: T0, readyAt: T0 });
    expect(t.live.has('m-old')).toBe(false);
    expect(t.live.get('m-rebooted')!.state).toBe('rebooting');
    const events = await t.events();
    expect(events.map((e) => `${e.reason} ${e.message}`)).toEqual(['Ready m-new: booting → ready (the provider reports it running)', 'Died m-old: ready → gone (no longer listed by the provider)']);
  });

  it('a machine not listed yet within the provider list grace is not declared dead', () => {
    const t = handTick({ machines: [machine('m-fresh', { state: 'launching', launchedAt: T0 - 1_000, since: T0 - 1_000 })] });
    expect(fold(t, noAgent)).toEqual([]);
    expect(t.live.get('m-fresh')!.state).toBe('launching');
    expect(t.unreplaced).toEqual([]);
  });

  it('an address that appears after boot is recorded without an event; a machine unchanged is not written', async () => {
    const floating = { kind: 'floating' as const, value: '172.24.4.10', network: 'public' };
    const fixed = { kind: 'fixed' as const, value: '10.0.0.7', network: 'private' };
    const t = handTick({
      machines: [machine('m-late', { addresses: [fixed] }), machine('m-same', { addresses: [fixed] })],
      seen: [listed('m-late', { addresses: [fixed, floating] }), listed('m-same', { addresses: [fixed] })],
    });
    fold(t, noAgent);
    expect(t.live.get('m-late')!.addresses).toEqual([fixed, floating]);
    expect(await t.events()).toEqual([]);
    expect(t.mem.saved.map((m) => [m.id, m.state, m.addresses.length])).toEqual([['m-late', 'ready', 2]]);
  });

  it('a terminated machine keeps the addresses it last had', async () => {
    const fixed = { kind: 'fixed' as const, value: '10.0.0.7' };
    const t = handTick({ machines: [machine('m-end', { state: 'terminating', since: T0 - MIN, addresses: [fixed] })], seen: [listed('m-end', { status: 'terminated' })] });
    fold(t, noAgent);
    await t.events();
    expect(t.mem.saved.map((m) => [m.state, m.addresses])).toEqual([['gone', [fixed]]]);
  });

  it('with agents, running is only booting until the agent joined', () => {
    const t = handTick({ machines: [machine('m-1', { state: 'launching', readyAt: undefined })], seen: [listed('m-1')] });
    fold(t, { agent: true, joined: () => false });
    expect(t.live.get('m-1')!.state).toBe('booting');
  });
});
