import { previewOperation, type OperationRequest, type Preview } from '../src/control/operations/create.js';
import type { Strategy } from '../src/domain/operations/types.js';
import { windowSize } from '../src/domain/operations/decide.js';
import type { SimCloudOptionsInput } from '../src/providers/sim/index.js';
import { TICK_INTERVAL_MS } from '../src/control/constants.js';
import { OPERATION_POLL_MS } from '../src/control/operations/constants.js';
import { converged } from '../test/support/harness.js';
import { calls, slidingBound, waveBound } from './bounds.js';
import type { Bench, BenchResult } from './harness.js';
import { opsRig, type OpsRig } from '../test/support/plane.js';

/** How late the dry run expects a finished machine to be noticed: what the API passes in `flotte up`. */
const OBSERVE_MS = TICK_INTERVAL_MS + OPERATION_POLL_MS;
const POOL = 'analysis';

/**
 * Bulk operations on sim with EC2-like buckets, run by the ControlPlane of `flotte up` at its own
 * tick and poll intervals on a virtual clock (so the figures do not depend on the machine's load):
 * each against its physical bound (bench/bounds.ts), with the calls it made and the dry-run
 * estimate's error twice: for the first operation of its kind on the pool (learning boot times
 * from the pool's launches, or using defaults), and after a small operation of the same kind.
 */
export const operationsBench: Bench = async () => [
  ...(await restart(500)),
  ...(await restart(5_000)),
  ...(await replace('all-at-once', { kind: 'all-at-once' })),
  ...(await replace('rolling 10% (min healthy 90%)', { kind: 'rolling', maxUnavailable: { percent: 10 }, minHealthy: { percent: 90 } })),
];

async function pool(size: number, sim: SimCloudOptionsInput): Promise<OpsRig> {
  const h = await opsRig({ machines: size, sim });
  await h.until(() => converged(h.store, size), { checkMs: 1_000 });
  return h;
}

/** Idles until every cloud bucket is full again, so each bound starts from the same known state. */
async function refill(h: OpsRig): Promise<void> {
  const o = h.sim.options;
  const all = [...Object.values(o.buckets), ...Object.values(o.instanceBuckets)];
  const until = h.clock.now() + Math.max(...all.map((b) => (b.capacity / b.refillPerSecond) * 1000));
  await h.until(() => h.clock.now() >= until, { checkMs: 1_000 });
}

/**
 * Runs `req` after learning from a first operation of `warm` machines; returns what the bound and
 * the estimates need: the dry run before anything of this kind ran on the pool (`first`), and after.
 */
async function measure(h: OpsRig, req: OperationRequest, warm: string[]) {
  const dryRun = async () => previewOperation(h.store, req, { limits: h.provider.limits, budget: h.provider.stats().buckets, observeMs: OBSERVE_MS });
  await refill(h);
  const first = await dryRun();
  await h.finish((await h.start({ ...req, machines: warm, strategy: { kind: 'all-at-once' } })).id);
  await refill(h);
  const preview = await dryRun();
  // By time, not by index: the sim's call log keeps only its newest few thousand requests.
  const since = h.clock.now();
  const op = await h.start(req);
  const done = await h.finish(op.id);
  const measured = done.finishedAt! - done.createdAt;
  const sent = h.sim.calls.filter((c) => c.at >= since && c.outcome === 'ok');
  const throttled = h.sim.calls.filter((c) => c.at >= since && c.outcome === 'throttled').length;
  return { since, done, measured, preview, first, sent, throttled };
}

interface Measured {
  measured: number;
  bound: number;
  /** The dry run after a first small operation of the kind, and before any (learning from the pool's launches, or the defaults). */
  estimate: { learned: Preview; first: Preview };
  calls: number;
  callUnit: string;
}

function figures(label: string, m: Measured, target: number, detail: Record<string, unknown>): BenchResult[] {
  const error = (p: Preview) => (Math.abs(p.totalMs - m.measured) / m.measured) * 100;
  const est = (p: Preview) => ({ estimateMs: p.totalMs, measuredMs: m.measured, learnedFrom: p.durations });
  return [
    { name: `${label} on sim: time / physical bound`, value: m.measured / m.bound, unit: 'x', target: { op: '<', value: target }, detail: { measuredMs: m.measured, boundMs: m.bound, ...detail } },
    { name: `${label}: ${m.callUnit}`, value: m.calls, unit: 'calls', detail },
    { name: `${label}: dry-run estimate error vs measured`, value: error(m.estimate.learned), unit: '%', target: { op: '<', value: 10 }, detail: est(m.estimate.learned) },
    { name: `${label}: dry-run estimate error, first of its kind on the pool`, value: error(m.estimate.first), unit: '%', target: { op: '<', value: 10 }, detail: est(m.estimate.first) },
  ];
}

/** Restart all at once, reboots of 30–60 s: one reboot call per idsPerCall (1,000, as EC2) machines. */
async function restart(size: number): Promise<BenchResult[]> {
  // Launches are only the set-up here: a roomy instance bucket brings 5,000 machines up quickly.
  const h = await pool(size, { rebootSeconds: { min: 30, max: 60 }, instanceBuckets: { launch: { capacity: size, refillPerSecond: 100 } } });
  const ids = (await h.store.listMachines({ pool: POOL })).map((m) => m.id);
  const req = { kind: 'restart' as const, pool: POOL, strategy: { kind: 'all-at-once' as const } };
  const r = await measure(h, req, ids.slice(0, 20));
  const items = await h.store.listOperationItems(r.done.id);
  const sim = new Map(h.sim.all().map((m) => [m.id, m]));
  const reboots = items.map((i) => sim.get(i.machine)!).map((m) => m.rebootUntil! - m.rebootedAt!);
  const { limits } = h.provider;
  const bound = waveBound(calls(reboots, limits.idsPerCall), { tokens: limits.buckets.mutate.capacity, refillPerSecond: limits.buckets.mutate.refillPerSecond });
  const rebootedOnce = items.every((i) => sim.get(i.machine)!.reboots === (ids.indexOf(i.machine) < 20 ? 2 : 1));
  const rebootCalls = r.sent.filter((c) => c.action === 'reboot');
  await h.close();
  const label = `restart ${size.toLocaleString('en')} all-at-once`;
  const out = figures(label, { measured: r.measured, bound, estimate: { learned: r.preview, first: r.first }, calls: rebootCalls.length, callUnit: 'reboot calls' }, size > 1_000 ? 1.05 : 1.1, {
    slowestRebootMs: Math.max(...reboots),
    status: r.done.status,
    rebootedOnce,
    idsPerCall: limits.idsPerCall,
    callIds: rebootCalls.map((c) => c.ids),
    throttled: r.throttled,
  });
  out[1]!.target = { op: '<', value: Math.ceil(size / limits.idsPerCall) + 0.5 };
  return out;
}

/**
 * Replace 500 (launch first: a new machine per old one, the old one terminated once its successor
 * is ready), boots of 20–40 s, EC2's RunInstances buckets (5 requests, 2/s; 1,000 machines, 2/s).
 */
async function replace(label: string, strategy: Strategy): Promise<BenchResult[]> {
  const h = await pool(500, { bootSeconds: { min: 20, max: 40 } });
  const ids = (await h.store.listMachines({ pool: POOL })).map((m) => m.id);
  const req: OperationRequest = { kind: 'replace', pool: POOL, strategy };
  const r = await measure(h, req, ids.slice(0, 20));
  const items = await h.store.listOperationItems(r.done.id);
  const sim = new Map(h.sim.all().map((m) => [m.id, m]));
  const made = items.map((i) => sim.get(i.replacement!)!).sort((a, b) => a.launchedAt - b.launchedAt || a.id.localeCompare(b.id));
  const boots = made.map((m) => m.readyAt - m.launchedAt);
  const b = h.sim.options;
  const requests = { tokens: b.buckets.launch.capacity, refillPerSecond: b.buckets.launch.refillPerSecond };
  const instances = { tokens: b.instanceBuckets.launch.capacity, refillPerSecond: b.instanceBuckets.launch.refillPerSecond };
  const w = windowSize({ strategy }, items.length, r.done.progress.poolSize);
  // All at once, the ideal sends one call per zone (the sim's launchPerCall is 1,000).
  const zones = new Map<string, number[]>();
  for (const m of made) zones.set(m.zone, [...(zones.get(m.zone) ?? []), m.readyAt - m.launchedAt]);
  const byZone = [...zones.values()];
  const bound = strategy.kind === 'all-at-once' ? waveBound(byZone, requests, instances) : slidingBound(boots, w, instances);
  const launches = r.sent.filter((c) => c.action === 'launch');
  await h.close();
  return figures(`replace 500 ${label}`, { measured: r.measured, bound, estimate: { learned: r.preview, first: r.first }, calls: launches.length, callUnit: 'launch calls' }, 1.1, {
    window: w,
    slowestBootMs: Math.max(...boots),
    meanBootMs: boots.reduce((s, x) => s + x, 0) / boots.length,
    status: r.done.status,
    waves: r.preview.waves.length,
    throttled: r.throttled,
  });
}
