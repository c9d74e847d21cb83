import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LaunchRequest } from '../../src/providers/provider.js';
import { POOL, controlRig, convergedExactly, type ControlRig } from '../support/aws-control-rig.js';

// A tick lists the pool as XML through the SDK: real work, seconds of it on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

describe('aws: a crash between the launch and its reply, on an EC2 endpoint that forgets ClientToken', () => {
  let r: ControlRig;
  afterEach(async () => r?.close());

  it('the restarted controller re-sends nothing the cloud already made, and the cloud never holds more than desired', async () => {
    r = await controlRig({ sim: { forgetClientToken: true, listDelayMs: 8_000 } });
    await r.store.setDesired(POOL, 190);

    // RunInstances reaches EC2 and is carried out; its answer never comes back: the process dies first.
    const launch = r.provider.launch.bind(r.provider);
    const sent: LaunchRequest[] = [];
    let made = 0;
    r.provider.launch = async (req, signal) => {
      sent.push(req);
      const out = await launch(req, signal);
      made += out.launched.length;
      return new Promise(() => undefined);
    };
    void r.controller.tick();
    const giveUp = Date.now() + 60_000;
    while (made < 190 && Date.now() < giveUp) {
      if (r.inFlight() > 0) await new Promise<void>((done) => setImmediate(done));
      else await r.clock.advance(100);
    }
    expect(made).toBe(190);
    const runBefore = r.face.count(200, 'RunInstances');
    expect(runBefore).toBe(sent.length);
    r.provider.launch = launch;
    await r.restart();

    let most = 0;
    await r.tickUntil(async () => {
      most = Math.max(most, r.live().length);
      return convergedExactly(r, 190);
    }, { maxTicks: 200, stepMs: 1_000 });
    expect(most).toBe(190);
    expect(r.sim.all()).toHaveLength(190);
    expect(r.face.count(200, 'RunInstances')).toBe(runBefore);
    const events = await r.store.listEvents({ pool: POOL });
    expect(events.filter((e) => e.reason === 'Adopted')).toHaveLength(190);
    expect(events.filter((e) => e.reason === 'IntentResolved')).toHaveLength(sent.length);
    expect(await r.store.listIntents({ pool: POOL, status: 'open' })).toEqual([]);
  });
});
