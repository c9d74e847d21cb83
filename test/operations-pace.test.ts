import { afterEach, describe, expect, it } from 'vitest';
import { TICK_INTERVAL_MS } from '../src/control/constants.js';
import { previewOperation } from '../src/control/operations/create.js';
import { converged } from './support/harness.js';
import { opsHarness, type OpsHarness } from './support/ops.js';
import { opsRig, type OpsRig } from './support/plane.js';

/**
 * Issue 20, item 3: bulk operations at the cloud's pace. On the virtual clock, so the durations
 * asserted here are behaviour (which loop waits for which), not the speed of this machine.
 */
let rig: OpsRig | undefined;
let h: OpsHarness | undefined;
afterEach(async () => {
  await rig?.close();
  await h?.close();
  rig = h = undefined;
});

describe('a replace run by the ControlPlane of `flotte up`', () => {
  it('sends its launches as soon as the executor asks for them, not at the next controller tick', async () => {
    rig = await opsRig({ machines: 30, sim: { bootSeconds: { min: 20, max: 40 } } });
    await rig.until(() => converged(rig!.store, 30), { checkMs: 1_000 });
    // Just after a tick: without the executor waking the loop, the launches would wait ~2 s for the next one.
    const ticks = rig.plane.loop.ticks;
    await rig.until(() => rig!.plane.loop.ticks > ticks, { checkMs: 10 });
    const op = await rig.start({ kind: 'replace', pool: 'analysis', strategy: { kind: 'all-at-once' } });
    const done = await rig.finish(op.id);
    expect(done.status).toBe('succeeded');
    const launches = rig.sim.calls.filter((c) => c.action === 'launch' && c.at >= op.createdAt);
    expect(launches.map((c) => c.count)).toEqual([10, 10, 10]);
    expect(Math.max(...launches.map((c) => c.at)) - op.createdAt).toBeLessThan(TICK_INTERVAL_MS / 4);
  });

  it('sees each machine done in the same instant as the tick that saw it back, and ends within a tick of the slowest', async () => {
    rig = await opsRig({ machines: 30, sim: { rebootSeconds: { min: 30, max: 60 } } });
    await rig.until(() => converged(rig!.store, 30), { checkMs: 1_000 });
    // Between two ticks: the executor's own poll then runs out of step with the loop, as a real tick's duration makes it.
    const ticks = rig.plane.loop.ticks;
    await rig.until(() => rig!.plane.loop.ticks > ticks, { checkMs: 10 });
    const off = rig.clock.now() + TICK_INTERVAL_MS / 4;
    await rig.until(() => rig!.clock.now() >= off, { checkMs: 10 });
    const op = await rig.start({ kind: 'restart', pool: 'analysis', strategy: { kind: 'rolling', maxUnavailable: { count: 10 } } });
    const done = await rig.finish(op.id);
    expect(done.status).toBe('succeeded');
    const items = await rig.store.listOperationItems(op.id);
    const seen = new Map((await rig.store.listMachines({ pool: 'analysis' })).map((m) => [m.id, m.readyAt!]));
    for (const i of items) expect(i.doneAt! - seen.get(i.machine)!).toBeLessThan(100);
    const back = Math.max(...rig.sim.all().map((m) => m.rebootUntil ?? 0));
    expect(done.finishedAt! - back).toBeLessThanOrEqual(TICK_INTERVAL_MS);
  });
});

describe('the dry run of a first replace', () => {
  it("learns the boot times from the pool's own launches instead of EC2-like defaults", async () => {
    h = await opsHarness({ pools: [{ desired: 30 }], sim: { bootSeconds: { min: 20, max: 40 } } });
    await h.tickUntil(() => converged(h!.store, 30), { stepMs: 1_000 });
    const machines = await h.store.listMachines({ pool: 'analysis' });
    const boots = machines.map((m) => m.readyAt! - m.launchedAt);
    const req = { kind: 'replace' as const, pool: 'analysis', strategy: { kind: 'all-at-once' as const } };
    const preview = await previewOperation(h.store, req, { limits: h.provider.limits, budget: h.provider.stats().buckets, observeMs: 1_000 });
    expect(preview.durations).toEqual({ mean: boots.reduce((s, b) => s + b, 0) / boots.length, max: Math.max(...boots), samples: 30 });
    expect(preview.durations.max).toBeLessThanOrEqual(41_000);
    expect(preview.totalMs).toBe(Math.max(...boots) + 1_000);
  });
});
