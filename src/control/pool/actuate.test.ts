import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../providers/provider.js';
import { POWER_RESEND_MS } from '../constants.js';
import { act, power, terminate } from './actuate.js';
import { handTick, machine, scriptedProvider, spec, T0 } from '../../../test/support/pool-tick.js';

describe('actuate phase', () => {
  it('terminate stores the terminating state before the call, and records what the cloud no longer knows as gone', async () => {
    const provider = scriptedProvider({ terminate: (ids) => Promise.resolve({ done: ids.filter((id) => id !== 'm-gone'), notFound: ['m-gone'], failed: [] }) });
    const t = handTick({ provider, machines: [machine('m-b', { zone: 'zone-b' }), machine('m-gone', { zone: 'zone-a' }), machine('m-again', { state: 'terminating', since: T0 - 60_000 })] });
    await terminate(t, ['m-b', 'm-gone', 'm-again', 'm-unknown'], 'ScaleIn');
    expect(t.mem.saved.map((m) => `${m.id} ${m.state}`)).toEqual(['m-b terminating', 'm-gone terminating', 'm-again terminating']);
    expect(provider.calls).toEqual(['terminate m-b,m-gone,m-again']);
    expect(t.live.has('m-gone')).toBe(false);
    expect((await t.events()).map((e) => e.message)).toEqual(['m-b: ready → terminating (ScaleIn)', 'm-gone: ready → terminating (ScaleIn)']);
  });

  it('a throttled terminate is deferred with an event; the machines stay terminating for the re-send', async () => {
    const t = handTick({ provider: scriptedProvider({ terminate: () => Promise.reject(new ProviderError('throttled', 'slow down')) }), machines: [machine('m-1')] });
    await terminate(t, ['m-1'], 'ScaleIn');
    expect(t.live.get('m-1')!.state).toBe('terminating');
    expect((await t.events()).map((e) => `${e.reason} ${e.message}`)).toContain('Throttled terminate of 1 deferred: slow down');
  });

  it('power sends a stop once per resend period, forgets stopped machines heartbeats, and says when the provider cannot', async () => {
    const provider = scriptedProvider();
    const t = handTick({ provider, machines: [machine('m-1'), machine('m-2')] });
    await power(t, 'stop', ['m-1', 'm-2'], 'Suspended');
    await power(t, 'stop', ['m-1', 'm-2'], 'Suspended');
    expect(provider.calls).toEqual(['stop m-1,m-2']);
    expect(t.mem.heartbeatsDeleted).toEqual(['m-1', 'm-2']);
    const later = { ...t, now: T0 + POWER_RESEND_MS };
    await power(later, 'stop', ['m-1'], 'Suspended');
    expect(provider.calls).toEqual(['stop m-1,m-2', 'stop m-1']);

    const cannot = handTick({ provider: scriptedProvider({ capabilities: { stopStart: false, reboot: true, batchLaunch: true } }) });
    await power(cannot, 'start', ['m-1'], 'Wake');
    expect((await cannot.events()).map((e) => `${e.reason} ${e.message}`)).toEqual(['StopStartUnsupported sim cannot start machines: 1 left as they are (Wake)']);
  });

  it('a pool that rests shelved shelves where the cloud can, stops where it cannot, and wakes by start either way', async () => {
    const shelved: string[] = [];
    const nova = scriptedProvider({ shelve: (ids) => (shelved.push(...ids), Promise.resolve({ done: [...ids], notFound: [], failed: [] })) });
    const t = handTick({ provider: nova, spec: spec({ suspended: true, suspendMode: 'shelve' }), machines: [machine('m-1'), machine('m-2')] });
    await power(t, 'stop', ['m-1', 'm-2'], 'Suspended');
    expect(shelved).toEqual(['m-1', 'm-2']);
    expect(nova.calls).toEqual([]);
    expect(t.mem.heartbeatsDeleted).toEqual(['m-1', 'm-2']);
    expect((await t.events()).map((e) => e.message)).toEqual(['stopping 2 machines (Suspended; shelved, freeing their hosts): m-1 m-2']);
    await power({ ...t, spec: spec({ suspendMode: 'shelve' }) }, 'start', ['m-1'], 'Wake');
    expect(nova.calls).toEqual(['start m-1']);

    const ec2 = scriptedProvider();
    await power(handTick({ provider: ec2, spec: spec({ suspended: true, suspendMode: 'shelve' }), machines: [machine('m-3')] }), 'stop', ['m-3'], 'Suspended');
    expect(ec2.calls).toEqual(['stop m-3']);
  });

  it('act runs the plan in order (drain, terminate with the drain end said first), re-sends old terminates, and waits for launches last', async () => {
    const provider = scriptedProvider();
    const t = handTick({ provider, machines: [machine('m-idle', { state: 'draining', zone: 'zone-c' }), machine('m-busy', { zone: 'zone-a' }), machine('m-stuck', { state: 'terminating', since: T0 - 120_000 })] });
    await act(t, {
      actions: [
        { kind: 'drain', ids: ['m-busy'], reason: 'ScaleIn' },
        { kind: 'terminate', ids: ['m-idle'], reason: 'Drained' },
        { kind: 'launch', zone: 'zone-b', size: 'm.small', count: 1, replaces: [], reason: 'ScaleOut' },
      ],
      open: [],
      resend: ['m-stuck'],
      busy: new Map([['m-busy', 2]]),
    });
    expect(provider.calls).toEqual(['terminate m-idle', 'launch 1@zone-b', 'terminate m-stuck']);
    expect(t.live.get('m-busy')!.state).toBe('draining');
    const reasons = (await t.events()).map((e) => e.reason);
    expect(reasons.slice(0, 4)).toEqual(['Draining', 'Drained', 'Terminating', 'ScaledOut']);
    expect(reasons).toContain('Launched');
  });
});
