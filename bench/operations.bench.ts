import { previewOperation } from '../src/control/operations/create.js';
import { converged } from '../test/support/harness.js';
import { opsHarness } from '../test/support/ops.js';
import type { Bench, BenchResult } from './harness.js';

/** Virtual time between two controller ticks + executor steps: also how late a finished reboot is noticed. */
const STEP_MS = 1_000;

/**
 * Restart of 500 machines on sim with EC2-like buckets and reboots of 30–60 s (virtual clock):
 * the time against the physical bound (the slowest reboot plus the wait the request buckets
 * force), the reboot calls made, and the dry-run estimate against the measured time. The
 * estimate learns reboot times from a first restart of 20 machines, as it would in use.
 */
export const operationsBench: Bench = async () => {
  const h = await opsHarness({ pools: [{ desired: 500 }], sim: { rebootSeconds: { min: 30, max: 60 } } });
  await h.tickUntil(() => converged(h.store, 500), { stepMs: 5_000 });
  const ids = (await h.store.listMachines({ pool: 'analysis' })).map((m) => m.id);
  const warm = await h.start({ kind: 'restart', pool: 'analysis', machines: ids.slice(0, 20), strategy: { kind: 'all-at-once' } });
  await h.runOperation(warm.id, { stepMs: STEP_MS });
  for (let i = 0; i < 5; i++) await h.step(STEP_MS);

  const req = { kind: 'restart' as const, pool: 'analysis', strategy: { kind: 'all-at-once' as const } };
  const preview = await previewOperation(h.store, req, { limits: h.provider.limits, budget: h.provider.stats().buckets, observeMs: STEP_MS });
  // By time, not by index: the sim's call log keeps only its newest few thousand requests.
  const since = h.clock.now();
  const op = await h.start(req);
  const done = await h.runOperation(op.id, { stepMs: STEP_MS });
  const measured = done.finishedAt! - done.createdAt;
  const rebootCalls = h.sim.calls.filter((c) => c.at >= since && c.action === 'reboot');
  const target = new Set(ids);
  const slowest = Math.max(...h.sim.all().filter((m) => target.has(m.id)).map((m) => m.rebootUntil! - m.rebootedAt!));
  const bound = slowest + preview.apiMs;
  const rebootedOnce = h.sim.all().filter((m) => target.has(m.id)).every((m) => m.reboots === (ids.indexOf(m.id) < 20 ? 2 : 1));
  await h.close();
  const detail = { measuredMs: measured, slowestRebootMs: slowest, bucketForcedMs: preview.apiMs, estimateMs: preview.totalMs, status: done.status, rebootedOnce };
  const results: BenchResult[] = [
    { name: 'restart 500 all-at-once on sim: time / physical bound', value: measured / bound, unit: 'x', target: { op: '<', value: 1.1 }, detail },
    { name: 'restart 500 all-at-once on sim: reboot calls', value: rebootCalls.length, unit: 'calls', target: { op: '<', value: 1.5 }, detail: { ids: rebootCalls.map((c) => c.ids) } },
    { name: 'restart 500: dry-run estimate error vs measured', value: (Math.abs(preview.totalMs - measured) / measured) * 100, unit: '%', target: { op: '<', value: 20 }, detail },
  ];
  return results;
};
