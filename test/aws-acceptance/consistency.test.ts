import { afterEach, describe, expect, it, vi } from 'vitest';
import { POOL, controlRig, convergedExactly, type ControlRig } from '../support/aws-control-rig.js';

// A tick lists up to 1,000 instances as XML through the SDK: real work, seconds of it on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

describe('aws: eventual consistency on the EC2 face', () => {
  let r: ControlRig;
  afterEach(async () => r?.close());

  it('new instances hidden from DescribeInstances for 8 s: no double launch', async () => {
    r = await controlRig({ sim: { listDelayMs: 8_000 } });
    await r.store.setDesired(POOL, 30);
    // Ticks every second, so several ticks run while the new instances are invisible.
    await r.tickUntil(() => convergedExactly(r, 30), { maxTicks: 120, stepMs: 1_000 });
    expect(r.sim.all()).toHaveLength(30);
    expect(r.face.count(200, 'RunInstances')).toBe(3);
  });

  it('a scale-in aimed at instances EC2 does not know yet loses nothing and doubles nothing', async () => {
    r = await controlRig({ sim: { listDelayMs: 8_000 } });
    await r.store.setDesired(POOL, 30);
    await r.tick();
    await r.store.setDesired(POOL, 20);
    await r.tick();
    // The terminate came back "not found" for all 10: they stay on the books, the terminate is re-sent later.
    expect(r.face.count(400, 'TerminateInstances')).toBeGreaterThan(0);
    expect((await r.store.listMachines({ pool: POOL })).filter((m) => m.state === 'terminating')).toHaveLength(10);
    await r.tickUntil(() => convergedExactly(r, 20), { maxTicks: 120, stepMs: 1_000 });
    expect(r.sim.all()).toHaveLength(30);
    expect(r.live()).toHaveLength(20);
  });
});
