import { afterEach, describe, expect, it, vi } from 'vitest';
import { ec2Id } from '../../src/providers/sim/ec2-face/index.js';
import { POOL, controlRig, convergedExactly, type ControlRig } from '../support/aws-control-rig.js';

// A tick lists up to 1,000 instances as XML through the SDK: real work, seconds of it on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

describe('aws: a pool of 500 on the EC2 face', () => {
  let r: ControlRig;
  afterEach(async () => r?.close());

  it('scales out to 500, replaces a terminated instance, reboots, stops and starts all 500, scales in', async () => {
    r = await controlRig();
    await r.store.setDesired(POOL, 500);
    const out = await r.tickUntil(() => convergedExactly(r, 500), { maxTicks: 60 });
    expect(r.sim.counters.launch.ok).toBeLessThanOrEqual(6);
    expect(new Set(r.live().map((m) => m.zone)).size).toBe(3);

    // The face reports one instance terminated (EC2 took it): replaced, not lost, not doubled.
    const victim = r.live()[0]!.id;
    r.sim.kill([victim]);
    await r.tickUntil(async () => (await convergedExactly(r, 500)) && !(await r.store.listMachines({ pool: POOL })).some((m) => m.id === ec2Id(victim)), { maxTicks: 30 });
    const replaced = (await r.store.listEvents({ pool: POOL })).filter((e) => e.reason === 'Replaced');
    expect(replaced.map((e) => e.machine)).toEqual([ec2Id(victim)]);

    // Reboot all 500 in one EC2 call.
    const ids = (await r.store.listMachines({ pool: POOL })).map((m) => m.id);
    const before = r.face.count(200, 'RebootInstances');
    const rebooted = await r.drive(r.limited.reboot(ids, { hard: false }));
    expect(rebooted.done).toHaveLength(500);
    expect(r.face.count(200, 'RebootInstances') - before).toBe(1);
    expect(r.live().filter((m) => m.status === 'rebooting')).toHaveLength(500);
    await r.tickUntil(() => convergedExactly(r, 500), { maxTicks: 30 });

    // Stop and start all 500: one call each.
    const stopped = await r.drive(r.limited.stop(ids));
    expect(stopped.done).toHaveLength(500);
    // The controller is not ticked while stopped: it would rightly replace capacity that is gone.
    await r.clock.advance(10_000);
    const seen = await r.drive(r.limited.list({ cluster: 'prod', pools: [POOL] }));
    expect(seen.filter((m) => m.status === 'stopped')).toHaveLength(500);
    const started = await r.drive(r.limited.start(ids));
    expect(started.done).toHaveLength(500);
    expect(r.face.count(200, 'StopInstances')).toBe(1);
    expect(r.face.count(200, 'StartInstances')).toBe(1);
    await r.tickUntil(() => convergedExactly(r, 500), { maxTicks: 60 });
    expect(r.live().map((m) => m.id).sort()).toEqual(ids.map((id) => `sim-${String(Number.parseInt(id.slice(2), 16)).padStart(8, '0')}`).sort());

    // Scale in to 200.
    await r.store.setDesired(POOL, 200);
    await r.tickUntil(() => convergedExactly(r, 200), { maxTicks: 30 });
    expect(r.sim.all().filter((m) => m.tags['flotte:pool'] === POOL)).toHaveLength(501);
    expect(out).toBeGreaterThan(0);
  });
});
