import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/virtual-clock.js';
import { freePort } from '../../../../test/support/process.js';
import { providerConformance } from '../../../../test/support/provider-conformance.js';
import { SimCloud } from '../sim-cloud.js';
import { launchRequest } from '../../../../test/support/launch-request.js';
import { RemoteSim } from './remote-sim.js';
import { serveSim, type RunningSimServer } from './sim-server.js';

const servers: RunningSimServer[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));

// The served sim keeps the provider contract: the same suite as the in-process sim, over HTTP.
providerConformance(
  'sim served over HTTP',
  async () => {
    const clock = new VirtualClock();
    const options = { zones: ['sim-a', 'sim-b'], pageSize: 2, listDelayMs: 3000 };
    const sim = new SimCloud(options, clock);
    const served = await serveSim(sim, '127.0.0.1', 0);
    servers.push(served);
    return {
      provider: new RemoteSim(served.url, options, 'conformance'),
      advance: (ms) => clock.advance(ms),
      cleanup: async () => {
        sim.reset();
        await served.close();
      },
      squeeze: async (zone, room) => {
        if (room === undefined) return sim.setZoneCapacity(zone, undefined);
        const live = sim.all().filter((m) => m.zone === zone && m.status !== 'terminated').length;
        sim.setZoneCapacity(zone, live + room);
      },
    };
  },
  { squeeze: true },
);

describe('sim server call log', () => {
  it('records who called, and whether a launch created machines or replayed its token', async () => {
    const sim = new SimCloud({}, new VirtualClock());
    const served = await serveSim(sim, '127.0.0.1', 0);
    servers.push(served);
    const a = new RemoteSim(served.url, {}, 'ctl-a');
    const b = new RemoteSim(served.url, {}, 'ctl-b');
    await a.launch(launchRequest('t-1', 3));
    const again = await b.launch(launchRequest('t-1', 3));
    expect(again.launched).toHaveLength(3);
    await b.terminate([again.launched[0]!.id, 'nope']);
    const calls = (await (await fetch(`${served.url}/calls`)).json()) as typeof served.calls;
    expect(calls.map((c) => [c.caller, c.method, c.created])).toEqual([
      ['ctl-a', 'launch', 3],
      ['ctl-b', 'launch', 0],
      ['ctl-b', 'terminate', undefined],
    ]);
    expect(calls[2]!.ids).toEqual([again.launched[0]!.id, 'nope']);
  });

  it('logs what each launch made when launches are in flight together, a refused one making nothing', async () => {
    for (const forgetClientToken of [false, true]) {
      const sim = new SimCloud({ forgetClientToken, zoneCapacity: { 'sim-a': 8 } }, new VirtualClock());
      const served = await serveSim(sim, '127.0.0.1', 0);
      servers.push(served);
      const remotes = ['ctl-a', 'ctl-b', 'ctl-c', 'ctl-d'].map((c) => new RemoteSim(served.url, {}, c));
      // Two sends of one token (a controller re-sending an intent) beside two other launches, all at once.
      const sends = await Promise.allSettled([
        remotes[0]!.launch(launchRequest('t-1', 3)),
        remotes[1]!.launch(launchRequest('t-2', 2)),
        remotes[2]!.launch(launchRequest('t-1', 3)),
        remotes[3]!.launch(launchRequest('t-3', 1, { zone: 'nowhere' })),
      ]);
      expect(sends.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      const calls = (await (await fetch(`${served.url}/calls`)).json()) as typeof served.calls;
      const by = new Map(calls.map((c) => [c.caller, c]));
      expect(by.get('ctl-b')).toMatchObject({ token: 't-2', created: 2, outcome: 'ok' });
      expect(by.get('ctl-d')).toMatchObject({ token: 't-3', outcome: 'error' });
      expect(by.get('ctl-d')!.created).toBeUndefined();
      // One token: made once and replayed, or (a cloud that forgets tokens) made twice.
      const t1 = [by.get('ctl-a')!.created, by.get('ctl-c')!.created].sort();
      expect(t1).toEqual(forgetClientToken ? [3, 3] : [0, 3]);
      expect(calls.reduce((n, c) => n + (c.created ?? 0), 0)).toBe(sim.all().length);
      await served.close();
    }
  });

  it('says why a sim server could not be reached, not only that fetch failed', async () => {
    const remote = new RemoteSim(`http://127.0.0.1:${await freePort()}`, {}, 'ctl-a');
    await expect(remote.launch(launchRequest('t-1', 1))).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/unreachable: fetch failed \(ECONNREFUSED/) });
  });
});
