import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/virtual-clock.js';
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
});
