import { afterEach, describe, expect, it } from 'vitest';
import { converged } from './support/harness.js';
import { opsHarness, type OpsHarness } from './support/ops.js';

let h: OpsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * A controller that keeps crashing (an OOM loop, a node that reboots) lives a few seconds each
 * time: shorter than the cloud's list grace (5 s on the sim), which a restarted controller waits
 * before it re-sends an open launch intent it cannot tell was sent just before the crash.
 */
describe('bulk operations under a crash loop (controller rebuilt from the store every 3 s)', () => {
  it('a replace still launches its new machines and completes, nothing launched twice', async () => {
    h = await opsHarness({ pools: [{ desired: 6 }] });
    await h.tickUntil(() => converged(h!.store, 6), { stepMs: 5_000 });
    const op = await h.start({ kind: 'replace', pool: 'analysis', strategy: { kind: 'all-at-once' } });
    let status = 'running';
    for (let life = 0; life < 20 && status === 'running'; life++) {
      await h.restart();
      for (let s = 0; s < 3; s++) await h.step(1_000);
      status = (await h.store.getOperation(op.id))!.status;
    }
    expect(status).toBe('succeeded');
    // The last old machine is retired by the steps after the end, as in a calm run.
    for (let s = 0; s < 5; s++) await h.step(5_000);
    // Six old machines retired, six new ones made once each.
    expect(h.sim.all()).toHaveLength(12);
    expect(h.sim.all().filter((m) => m.status !== 'terminated' && m.status !== 'terminating')).toHaveLength(6);
  });

});

describe('bulk operations on a cloud that makes few machines per launch call', () => {
  it('a replace wave with more machines in a zone than one launch call may make is launched in several calls, and completes', async () => {
    // 15 machines over three zones: five per zone, one more than the cloud takes per launch call.
    h = await opsHarness({ pools: [{ desired: 15 }], sim: { launchPerCall: 4 } });
    await h.tickUntil(() => converged(h!.store, 15), { stepMs: 5_000 });
    const op = await h.start({ kind: 'replace', pool: 'analysis', strategy: { kind: 'all-at-once' } });
    const done = await h.runOperation(op.id, { stepMs: 2_000, maxSteps: 200 });
    expect(done.status, done.message).toBe('succeeded');
    for (let s = 0; s < 5; s++) await h.step(5_000);
    expect(h.sim.all()).toHaveLength(30);
    expect(h.sim.all().filter((m) => m.status !== 'terminated' && m.status !== 'terminating')).toHaveLength(15);
    expect(Math.max(...h.sim.calls.filter((c) => c.action === 'launch').map((c) => c.count ?? 0))).toBeLessThanOrEqual(4);
  });
});

describe('a replace whose controller is killed after the cloud made the new machines, before it recorded them', () => {
  it('the restarted executor waits for the controller to find them again: the operation succeeds, nothing rolled back', async () => {
    h = await opsHarness({ pools: [{ desired: 6 }] });
    await h.tickUntil(() => converged(h!.store, 6), { stepMs: 5_000 });
    const op = await h.start({ kind: 'replace', pool: 'analysis', strategy: { kind: 'rolling', maxUnavailable: { percent: 50 } } });
    await h.step(1_000); // the executor makes the first wave's intents
    // The tick sends them and the executor hands the new machines to their items (stored), but
    // the controller's machine rows never reach the store: the process dies first.
    const save = h.store.saveMachines.bind(h.store);
    const record = h.store.recordChanges.bind(h.store);
    h.store.saveMachines = () => Promise.reject(new Error('killed'));
    h.store.recordChanges = () => Promise.reject(new Error('killed'));
    await h.runTick();
    await h.executor.runOnce();
    h.store.saveMachines = save;
    h.store.recordChanges = record;
    expect((await h.store.listOperationItems(op.id)).filter((i) => i.replacement)).toHaveLength(3);
    expect(await h.store.listMachines({ pool: 'analysis' })).toHaveLength(6);
    await h.restart();
    // In the restarted process the executor may step before the controller's first tick has adopted them.
    await h.executor.runOnce();
    const done = await h.runOperation(op.id, { stepMs: 2_000, maxSteps: 200 });
    expect(done.status, done.message).toBe('succeeded');
  });
});

describe('a replace whose new machines the controller adopts after a crash, while the pool is being scaled in', () => {
  it('scale-in does not take the new machines before the operation has claimed them: the operation succeeds', async () => {
    h = await opsHarness({ pools: [{ desired: 12 }] });
    await h.tickUntil(() => converged(h!.store, 12), { stepMs: 5_000 });
    const op = await h.start({ kind: 'replace', pool: 'analysis', strategy: { kind: 'rolling', maxUnavailable: { percent: 25 } } });
    await h.step(1_000); // the executor makes the first wave's intents
    // The tick sends them; the process dies before its machine rows are written and before the executor's next step.
    const save = h.store.saveMachines.bind(h.store);
    const record = h.store.recordChanges.bind(h.store);
    h.store.saveMachines = () => Promise.reject(new Error('killed'));
    h.store.recordChanges = () => Promise.reject(new Error('killed'));
    await h.runTick();
    h.store.saveMachines = save;
    h.store.recordChanges = record;
    expect((await h.store.listOperationItems(op.id)).filter((i) => i.replacement)).toEqual([]);
    // Meanwhile someone scales the pool in, letting it go at once.
    await h.store.setDesired('analysis', 8);
    await h.store.allowDestroy(['analysis']);
    await h.restart();
    const done = await h.runOperation(op.id, { stepMs: 2_000, maxSteps: 200 });
    expect(done.status, done.message).toBe('succeeded');
  });
});
