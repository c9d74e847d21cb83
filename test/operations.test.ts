import { afterEach, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../src/domain/types.js';
import { previewOperation } from '../src/control/operations/create.js';
import { converged } from './support/harness.js';
import { opsHarness, type OpsHarness } from './support/ops.js';

let h: OpsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function fleet(n: number, sim = {}): Promise<OpsHarness> {
  h = await opsHarness({ pools: [{ desired: n }], sim: { rebootSeconds: { min: 30, max: 60 }, ...sim } });
  await h.tickUntil(() => converged(h!.store, n), { stepMs: 5_000 });
  return h;
}

const reboots = (o: OpsHarness) => o.sim.all().filter((m) => m.status !== 'terminated').map((m) => m.reboots ?? 0);

/** Replays stored machine transitions and returns the most machines out of service (not ready) at once. */
function maxOutOfService(events: FleetEvent[], from: number): number {
  const down = new Set<string>();
  let max = 0;
  for (const e of events) {
    if (e.id <= from || !e.machine || !e.data || typeof e.data.to !== 'string') continue;
    if (e.data.to === 'ready') down.delete(e.machine);
    else down.add(e.machine);
    max = Math.max(max, down.size);
  }
  return max;
}

describe('bulk operations on the sim (virtual clock)', () => {
  it('restarts 500 machines all at once with one reboot call, each rebooted once', async () => {
    const o = await fleet(500);
    o.sim.calls.length = 0;
    const op = await o.start({ kind: 'restart', pool: 'analysis', strategy: { kind: 'all-at-once' } });
    const done = await o.runOperation(op.id);
    expect(done.status, done.message).toBe('succeeded');
    const rebootCalls = o.sim.calls.filter((c) => c.action === 'reboot');
    expect(rebootCalls).toHaveLength(1);
    expect(rebootCalls[0]!.ids).toBe(500);
    expect(reboots(o).every((n) => n === 1)).toBe(true);
    expect(await converged(o.store, 500)).toBe(true);
  });

  it('rolling --max-unavailable 20% never has more than 100 of 500 out of service (from stored events)', async () => {
    const o = await fleet(500);
    const before = (await o.store.listEvents()).at(-1)!.id;
    const op = await o.start({ kind: 'restart', pool: 'analysis', strategy: { kind: 'rolling', maxUnavailable: { percent: 20 } } });
    const done = await o.runOperation(op.id);
    expect(done.status, done.message).toBe('succeeded');
    const events = await o.store.listEvents();
    const rebooting = events.filter((e) => e.id > before && e.data?.to === 'rebooting');
    expect(new Set(rebooting.map((e) => e.machine)).size).toBe(500);
    const peak = maxOutOfService(events, before);
    expect(peak).toBeGreaterThan(50);
    expect(peak).toBeLessThanOrEqual(100);
    expect(reboots(o).every((n) => n === 1)).toBe(true);
    expect(await converged(o.store, 500)).toBe(true);
  });
});

describe('replace and throttling', () => {
  it('replace with a canary that turns unhealthy stops after the canary, rolls back, and loses nothing', async () => {
    const o = await fleet(20);
    const original = (await o.store.listMachines({ pool: 'analysis' })).map((m) => m.id).sort();
    const config = (await o.store.currentConfig())!;
    await o.store.applyConfig({ ...config, templates: config.templates.map((t) => ({ ...t, image: 'img-2' })), pools: await o.store.listPools() }, o.clock.now());
    expect((await o.store.getTemplate('small'))!.version).toBe(2);
    // Every machine of the new version fails to come up: the canary turns unhealthy.
    o.sim.options.launchFailureRate = 1;
    const op = await o.start({ kind: 'replace', pool: 'analysis', strategy: { kind: 'rolling', maxUnavailable: { count: 5 }, canary: { count: 2, bakeMs: 60_000 } } });
    const done = await o.runOperation(op.id, { stepMs: 2_000 });
    expect(done.status).toBe('rolled-back');
    expect(done.message).toMatch(/canary/);
    const items = await o.store.listOperationItems(op.id);
    expect(items.filter((i) => i.intent !== undefined)).toHaveLength(2);
    expect(items.filter((i) => i.status === 'pending')).toHaveLength(18);
    // The pool settles on the old machines and the old template; nothing new is launched from v2 afterwards.
    o.sim.options.launchFailureRate = 0;
    for (let i = 0; i < 20; i++) await o.step(5_000);
    const after = await o.store.listMachines({ pool: 'analysis' });
    expect(after.map((m) => m.id).sort()).toEqual(original);
    expect(after.every((m) => m.state === 'ready' && m.templateVersion === 1)).toBe(true);
    expect(o.executor.templateVersion('analysis')).toBe(1);
    expect(o.sim.all().filter((m) => m.image === 'img-2').every((m) => m.status === 'terminated')).toBe(true);
  });

  it('replace launches new machines from the current template, then retires the old: never below size, ends all on v2', async () => {
    const o = await fleet(20);
    const original = new Set((await o.store.listMachines({ pool: 'analysis' })).map((m) => m.id));
    const config = (await o.store.currentConfig())!;
    await o.store.applyConfig({ ...config, templates: config.templates.map((t) => ({ ...t, image: 'img-2' })), pools: await o.store.listPools() }, o.clock.now());
    const op = await o.start({ kind: 'replace', pool: 'analysis', strategy: { kind: 'rolling', maxUnavailable: { count: 5 }, canary: { count: 1, bakeMs: 30_000 } } });
    let minReady = Number.POSITIVE_INFINITY;
    const done = await o.runOperation(op.id, {
      stepMs: 2_000,
      each: async () => {
        minReady = Math.min(minReady, (await o.store.listMachines({ pool: 'analysis' })).filter((m) => m.state === 'ready').length);
      },
    });
    expect(done.status, done.message).toBe('succeeded');
    for (let i = 0; i < 5; i++) await o.step(5_000);
    const after = await o.store.listMachines({ pool: 'analysis' });
    expect(after).toHaveLength(20);
    expect(after.every((m) => m.state === 'ready' && m.templateVersion === 2 && !original.has(m.id))).toBe(true);
    expect(minReady).toBeGreaterThanOrEqual(20);
  });

  it('throttling storm (half of all calls throttled): the restart completes, scaling keeps working, throttles are reported', async () => {
    const o = await fleet(300);
    o.sim.options.throttleShare = 0.5;
    const op = await o.start({ kind: 'restart', pool: 'analysis', strategy: { kind: 'rolling', maxUnavailable: { percent: 20 } } });
    await o.store.setDesired('analysis', 330);
    let scaledWhileRunning = false;
    const done = await o.runOperation(op.id, {
      each: async () => {
        const running = (await o.store.getOperation(op.id))!.status === 'running';
        const ready = (await o.store.listMachines({ pool: 'analysis' })).filter((m) => m.state === 'ready' || m.state === 'rebooting').length;
        if (running && ready >= 330) scaledWhileRunning = true;
      },
    });
    expect(done.status, done.message).toBe('succeeded');
    expect(scaledWhileRunning).toBe(true);
    expect(done.progress.api.throttled).toBeGreaterThan(0);
    expect(done.progress.api.calls).toBeGreaterThan(done.progress.api.throttled);
    const items = await o.store.listOperationItems(op.id);
    expect(items.every((i) => i.status === 'done')).toBe(true);
    expect(o.sim.all().filter((m) => items.some((i) => i.machine === m.id)).every((m) => m.reboots === 1)).toBe(true);
  });

  it('a replace retires its last wave\'s old machines, and one started while they terminate sizes its waves on the pool, not on the leavers', async () => {
    // Issue 20: a rolling replace right after an all-at-once one counted 543 machines in a pool of 500.
    const o = await fleet(20, { terminateSeconds: 120 });
    const first = await o.start({ kind: 'replace', pool: 'analysis', strategy: { kind: 'all-at-once' } });
    expect((await o.runOperation(first.id, { stepMs: 2_000 })).status).toBe('succeeded');
    // A replace that says it succeeded has retired every old machine, the last wave's too (they were left serving).
    const leaving = (await o.store.listMachines({ pool: 'analysis' })).filter((m) => m.state === 'terminating');
    expect(leaving).toHaveLength(20);
    const req = { kind: 'replace' as const, pool: 'analysis', strategy: { kind: 'rolling' as const, maxUnavailable: { percent: 10 } } };
    const preview = await previewOperation(o.store, req, { limits: o.provider.limits, budget: o.provider.stats().buckets, observeMs: 1_000 });
    expect(preview.machines).toBe(20);
    expect(preview.waves).toEqual(Array.from({ length: 10 }, () => 2));
    const second = await o.start(req);
    expect(second.progress.poolSize).toBe(20);
    expect(second.message).toBe('replace of 20 machines started');
  });
});
