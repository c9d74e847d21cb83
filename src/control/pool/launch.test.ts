import { describe, expect, it } from 'vitest';
import { TAG, type LaunchIntent } from '../../domain/types.js';
import { ProviderError } from '../../providers/provider.js';
import { bootstrap, launchBatch, resolveIntents } from './launch.js';
import { handTick, listed, machine, scriptedProvider, T0 } from '../../../test/support/pool-tick.js';

const intent = (id: string, over: Partial<LaunchIntent>): LaunchIntent => ({ id, pool: 'web', zone: 'zone-a', size: 'm.small', count: 1, templateVersion: 2, createdAt: T0 - 60_000, replaces: [], status: 'open', sentAt: T0 - 60_000, ...over });
const tagged = (id: string, intentId: string) => listed(id, { tags: { [TAG.pool]: 'web', [TAG.intent]: intentId } });

describe('launch phase', () => {
  it('resolves open intents from what the cloud shows: closed, followed up for the missing, waited for, re-sent', async () => {
    const open = [
      intent('li-all', { zone: 'zone-b', count: 2 }),
      intent('li-part', { zone: 'zone-c', count: 3, replaces: ['m-x', 'm-y', 'm-z'] }),
      intent('li-fresh', { zone: 'zone-a', count: 2, sentAt: T0 - 1_000 }),
      intent('li-lost', { zone: 'zone-c', count: 1 }),
    ];
    const t = handTick({ seen: [tagged('m-1', 'li-all'), tagged('m-2', 'li-all')], machines: [machine('m-3', { zone: 'zone-c', intent: 'li-part' })] });
    for (const i of open) t.mem.intents.set(i.id, i);
    const r = await resolveIntents(t, open);
    expect(r.pending).toEqual(new Map([['zone-c', 3], ['zone-a', 2]]));
    // In the intents' order: the follow-up of li-part, then li-lost re-sent under its own token.
    const followUp = r.send[0]!;
    expect(r.send.map((i) => i.id)).toEqual([followUp.id, 'li-lost']);
    expect(followUp).toMatchObject({ zone: 'zone-c', count: 2, replaces: ['m-y', 'm-z'], templateVersion: 2, sentAt: T0 });
    expect(t.mem.intents.get('li-all')!.status).toBe('done');
    expect(t.mem.intents.get('li-part')!.status).toBe('done');
    expect(t.mem.intents.get('li-fresh')!.status).toBe('open');
    expect((await t.events()).map((e) => e.message)).toEqual([
      'li-all: all 2 machines found in the cloud; nothing re-sent',
      `li-part: 1 of 3 machines found in the cloud; the missing 2 launched as ${followUp.id}`,
    ]);
  });

  it('an intent this controller never sent counts from its stored send time; never sent (0) goes out at once', async () => {
    const t = handTick();
    const r = await resolveIntents(t, [intent('li-op', { sentAt: 0, count: 2 })]);
    expect(r.send.map((i) => i.id)).toEqual(['li-op']);
    expect(t.rt.intentSends.get('li-op')).toEqual({ at: 0, refused: false });
  });

  it('a planned launch is split by the provider per-call limit, takes its replaced machines off the unreplaced list, and records what came back', async () => {
    const provider = scriptedProvider({ limits: { ...scriptedProvider().limits, launchPerCall: 2 } });
    const t = handTick({ provider, unreplaced: ['m-dead-1', 'm-other', 'm-dead-2'] });
    const batch = launchBatch(t, undefined);
    await batch.launch({ kind: 'launch', zone: 'zone-b', size: 'm.small', count: 3, replaces: ['m-dead-2', 'm-dead-1'], reason: 'Replace' });
    await batch.done();
    expect(provider.calls).toEqual(['launch 2@zone-b', 'launch 1@zone-b']);
    expect(t.unreplaced).toEqual(['m-other']);
    expect([...t.live.values()].map((m) => [m.zone, m.replaces ?? null])).toEqual([
      ['zone-b', 'm-dead-2'],
      ['zone-b', 'm-dead-1'],
      ['zone-b', null],
    ]);
    const reasons = (await t.events()).map((e) => e.reason);
    expect(reasons[0]).toBe('Replacing');
    expect(reasons.filter((r) => r === 'Launched')).toHaveLength(3);
    expect([...t.mem.intents.values()].map((i) => i.status)).toEqual(['done', 'done']);
  });

  it('a capacity error marks the zone/size in the one capacity memory and says for how long; a throttle leaves the intent open, refused', async () => {
    const provider = scriptedProvider({ launch: (r) => Promise.reject(new ProviderError(r.zone === 'zone-c' ? 'capacity' : 'throttled', 'no room')) });
    const t = handTick({ provider });
    const batch = launchBatch(t, undefined);
    batch.send(intent('li-c', { zone: 'zone-c' }));
    batch.send(intent('li-a', { zone: 'zone-a' }));
    await batch.done();
    expect(t.rt.offerings.of('sim', T0 + 1)).toEqual(new Set(['zone-c/m.small']));
    expect(t.rt.intentSends.get('li-a')).toEqual({ at: T0, refused: true });
    expect(t.rt.intentSends.has('li-c')).toBe(false);
    expect((await t.events()).map((e) => e.reason)).toEqual(['Throttled', 'LaunchFailed', 'ZoneUnavailable']);
  });

  it('agent pools get a join token per intent only once the API address is known', async () => {
    const t = handTick();
    expect(await bootstrap(t)).toBeUndefined();
    const withServer = { ...t, rt: { ...t.rt, agentServer: () => 'http://10.0.0.1:7420' } };
    const agents = (await bootstrap(withServer))!;
    expect(agents('li-1')).toMatchObject({ server: 'http://10.0.0.1:7420', pool: 'web' });
    expect(agents('li-1').joinToken).not.toBe(agents('li-2').joinToken);
  });
});
