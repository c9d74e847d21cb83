import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveImds, simId, type RunningFace } from '../../src/providers/sim/ec2-face/index.js';
import { readSpotNotices } from '../../src/providers/aws/spot-notice.js';
import { POOL, controlRig, convergedExactly, type ControlRig } from '../support/aws-control-rig.js';

// A tick lists up to 1,000 instances as XML through the SDK: real work, seconds of it on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

describe('aws: Spot interruption notice', () => {
  let r: ControlRig;
  let imds: RunningFace | undefined;
  afterEach(async () => {
    await imds?.close();
    await r?.close();
  });

  it('the replacement is ready before the interrupted machine goes', async () => {
    r = await controlRig({ provider: { market: { onDemandBase: 2, spotPercentage: 100 } } });
    await r.store.setDesired(POOL, 10);
    await r.tickUntil(() => convergedExactly(r, 10), { maxTicks: 30 });
    const spot = r.face.instances;
    expect([...spot.values()].filter((i) => i.spot)).toHaveLength(8);

    const doomed = [...spot].find(([, i]) => i.spot)![0];
    imds = await serveImds(r.face, doomed);
    expect(await readSpotNotices(imds.url)).toEqual([]);
    r.face.interrupt(doomed, 120_000);
    const deadline = r.clock.now() + 120_000;

    // What the agent does on the machine: poll IMDSv2 every 5 s and report; here the report goes straight to the inbox.
    let replacementReadyAt: number | undefined;
    let doomedEndedAt: number | undefined;
    for (let t = 0; t < 30 && doomedEndedAt === undefined; t++) {
      for (const n of await readSpotNotices(imds.url)) r.inbox.report({ machine: n.instanceId, at: n.at, reason: 'SpotInterruption' });
      await r.tick();
      const ms = await r.store.listMachines({ pool: POOL, includeGone: true });
      const repl = ms.find((m) => m.replaces !== undefined && r.face.interruptions.has(simId(m.replaces)) && m.state === 'ready');
      replacementReadyAt ??= repl?.readyAt;
      const old = r.sim.all().find((m) => m.id === doomed)!;
      if (old.terminatingAt !== undefined) doomedEndedAt = old.terminatingAt;
      await r.clock.advance(5_000);
    }
    expect(replacementReadyAt).toBeDefined();
    expect(doomedEndedAt).toBeDefined();
    expect(replacementReadyAt!).toBeLessThanOrEqual(doomedEndedAt!);
    expect(doomedEndedAt!).toBeLessThan(deadline);
    // flotte ended it (not EC2's reclaim), and the pool is whole again with nothing doubled.
    expect(r.sim.all().find((m) => m.id === doomed)!.fault).toBeUndefined();
    await r.tickUntil(() => convergedExactly(r, 10), { maxTicks: 10 });
    expect(r.sim.all()).toHaveLength(11);
    const events = await r.store.listEvents({ pool: POOL });
    expect(events.some((e) => e.reason === 'SpotInterruption')).toBe(true);
  });
});
