import { describe, expect, it } from 'vitest';
import { InterruptionInbox, INTERRUPTION_MARGIN_MS } from '../interruptions.js';
import { endInterrupted, noticeInterruptions } from './interruptions.js';
import { handTick, machine, scriptedProvider, spec, T0 } from '../../../test/support/pool-tick.js';

describe('interruptions phase', () => {
  it('replaces a noticed machine first (queued once, announced once), and ends it only when its replacement is ready or its time is nearly up', async () => {
    const inbox = new InterruptionInbox();
    const at = T0 + 120_000;
    inbox.report({ machine: 'm-b', at, reason: 'SpotInterruption' });
    const machines = [machine('m-a', { zone: 'zone-c' }), machine('m-b', { zone: 'zone-a' })];
    const t = handTick({ spec: spec({ desired: 2 }), machines, interruptions: inbox });
    const doomed = noticeInterruptions(t)!;
    expect(doomed).toEqual({ replace: ['m-b'], terminate: [] });
    expect(t.unreplaced).toEqual(['m-b']);
    expect((await t.events()).map((e) => `${e.reason} ${e.machine} ${e.message}`)).toEqual(['SpotInterruption m-b m-b is taken back at 2026-12-06T09:02:00.000Z: launching its replacement first']);

    // The next tick: still short of ready machines, the notice is not announced nor queued again.
    const again = handTick({ spec: spec({ desired: 2 }), machines, interruptions: inbox, now: T0 + 5_000 });
    expect(noticeInterruptions(again)).toEqual({ replace: ['m-b'], terminate: [] });
    expect(again.unreplaced).toEqual([]);

    // Near its time it goes even without a ready replacement, and the notice is forgotten.
    const provider = scriptedProvider();
    const late = handTick({ spec: spec({ desired: 2 }), machines, interruptions: inbox, now: at - INTERRUPTION_MARGIN_MS, provider });
    const end = noticeInterruptions(late);
    expect(end!.terminate).toEqual(['m-b']);
    await endInterrupted(late, end);
    expect(provider.calls).toEqual(['terminate m-b']);
    expect(inbox.size()).toBe(0);
    expect(late.live.get('m-b')!.state).toBe('terminating');
  });

  it('without notices the phase does nothing', async () => {
    const t = handTick({ machines: [machine('m-a')], interruptions: new InterruptionInbox() });
    expect(noticeInterruptions(t)).toBeUndefined();
    await endInterrupted(t, undefined);
    expect(await t.events()).toEqual([]);
  });
});
