import { randomUUID } from 'node:crypto';
import { bootSamples, DEFAULT_DURATIONS, estimate, observedDurations, type Estimate } from '../../domain/operations/estimate.js';
import type { Operation, OperationItem, OperationKind, Strategy } from '../../domain/operations/types.js';
import type { Machine } from '../../domain/types.js';
import type { ProviderLimits } from '../../providers/provider.js';
import type { LimiterStats } from '../../providers/rate-limited.js';
import type { Store } from '../../store/store.js';
import { DURATION_SAMPLES, ITEM_TIMEOUT_MS } from './constants.js';

export interface OperationRequest {
  kind: OperationKind;
  pool: string;
  /** Only these machines; the whole pool when absent. */
  machines?: string[] | undefined;
  /** Only machines whose labels carry all of these. */
  selector?: Record<string, string> | undefined;
  strategy: Strategy;
  hard?: boolean | undefined;
  /** Set by the roll-out of drifted or old machines; absent for a person's request. */
  origin?: Operation['origin'];
}

export class OperationRejected extends Error {}

/** Which states each kind can start from: a reboot needs a running machine, a start a stopped one. */
const STARTABLE: Record<OperationKind, ReadonlySet<Machine['state']>> = {
  restart: new Set(['ready', 'unhealthy']),
  replace: new Set(['ready', 'unhealthy', 'booting', 'stopped']),
  stop: new Set(['ready', 'unhealthy']),
  start: new Set(['stopped']),
};

/** The machines an operation targets, interleaved across zones so every wave spreads over them. */
export async function resolveTargets(store: Store, req: OperationRequest): Promise<Machine[]> {
  const pool = await store.getPool(req.pool);
  if (!pool) throw new OperationRejected(`pool "${req.pool}" does not exist`);
  const wanted = req.machines && new Set(req.machines);
  const machines = (await store.listMachines({ pool: req.pool })).filter(
    (m) =>
      STARTABLE[req.kind].has(m.state) &&
      (!wanted || wanted.has(m.id)) &&
      Object.entries(req.selector ?? {}).every(([k, v]) => m.labels[k] === v),
  );
  if (wanted) {
    const known = new Set(machines.map((m) => m.id));
    const missing = [...wanted].filter((id) => !known.has(id));
    if (missing.length) throw new OperationRejected(`not in pool "${req.pool}" or not in a state to ${req.kind}: ${missing.slice(0, 5).join(', ')}`);
  }
  const byZone = new Map<string, Machine[]>();
  for (const m of machines) byZone.set(m.zone, [...(byZone.get(m.zone) ?? []), m]);
  const lists = [...byZone.keys()].sort().map((z) => byZone.get(z)!);
  const out: Machine[] = [];
  for (let i = 0; out.length < machines.length; i++) for (const l of lists) if (l[i]) out.push(l[i]!);
  return out;
}

/**
 * The size an operation's percentages (window, min healthy) are taken of: the pool's machines
 * less those already terminating, such as the old machines of a replace that just ended. Counting
 * them made a rolling replace started right after one size its waves on 543 machines in a pool of 500.
 */
async function poolSize(store: Store, pool: string): Promise<number> {
  return (await store.listMachines({ pool })).filter((m) => m.state !== 'terminating').length;
}

export async function createOperation(store: Store, req: OperationRequest, now: number): Promise<{ op: Operation; items: OperationItem[] }> {
  const targets = await resolveTargets(store, req);
  if (targets.length === 0) throw new OperationRejected(`no machine of pool "${req.pool}" to ${req.kind}`);
  const busy = await heldElsewhere(store, req.pool);
  const clash = targets.filter((m) => busy.has(m.id));
  if (clash.length) throw new OperationRejected(`${clash.length} of these machines are already in a running operation (e.g. ${clash[0]!.id})`);
  const pool = (await store.getPool(req.pool))!;
  const template = await store.getTemplate(pool.template);
  const live = await poolSize(store, req.pool);
  const id = `op-${randomUUID().slice(0, 8)}`;
  const op: Operation = {
    id,
    kind: req.kind,
    pool: req.pool,
    strategy: req.strategy,
    hard: req.hard ?? false,
    ...(req.origin ? { origin: req.origin } : {}),
    status: 'running',
    control: 'run',
    progress: {
      phase: req.strategy.canary && req.strategy.canary.count > 0 ? 'canary' : 'main',
      checkpointsPassed: [],
      api: { calls: 0, throttled: 0 },
      poolSize: live,
      ...(req.kind === 'replace' ? { toVersion: template?.version, fromVersion: Math.min(...targets.map((m) => m.templateVersion)) } : {}),
    },
    message: `${req.kind} of ${targets.length} machines started`,
    createdAt: now,
    updatedAt: now,
  };
  const items: OperationItem[] = targets.map((m, seq) => ({ operation: id, machine: m.id, seq, zone: m.zone, status: 'pending' }));
  await store.createOperation(op, items);
  return { op, items };
}

async function heldElsewhere(store: Store, pool: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const op of await store.listOperations({ pool, active: true })) {
    for (const i of await store.listOperationItems(op.id)) if (i.status === 'pending' || i.status === 'in-progress') out.add(i.machine);
  }
  return out;
}

export interface Preview extends Estimate {
  machines: number;
  /** The first machines of each wave, for people to read. */
  waveSamples: string[][];
  durations: { mean: number; max: number; samples: number };
}

/** The dry run: what the operation would do and how long it would take, touching nothing. */
export async function previewOperation(
  store: Store,
  req: OperationRequest,
  /** The provider's limits, the budget its limiter has left now, and how long a machine is watched after its step. */
  pace: { limits: ProviderLimits; budget: LimiterStats['buckets'] | undefined; observeMs: number },
): Promise<Preview> {
  const { limits, budget, observeMs } = pace;
  const targets = await resolveTargets(store, req);
  const live = await poolSize(store, req.pool);
  let samples = await store.operationItemDurations(req.pool, req.kind, DURATION_SAMPLES);
  // A first replace or start learns from the pool's own launches: the defaults (EC2's 45–60 s) put a
  // first replace of 500 on sim at 63 s where it took 42 (issue 20, item 3).
  if (samples.length === 0 && (req.kind === 'replace' || req.kind === 'start')) samples = bootSamples(await store.listMachines({ pool: req.pool }), DURATION_SAMPLES, ITEM_TIMEOUT_MS);
  const durations = observedDurations(samples, req.kind === 'restart' ? DEFAULT_DURATIONS.reboot : DEFAULT_DURATIONS.boot);
  const bucket = (k: 'mutate' | 'launch') => ({ ...limits.buckets[k], tokens: budget?.[k].tokens ?? limits.buckets[k].capacity });
  const est = estimate({
    kind: req.kind,
    strategy: req.strategy,
    total: targets.length,
    poolSize: live,
    limits: { idsPerCall: limits.idsPerCall, launchPerCall: limits.launchPerCall, mutate: bucket('mutate'), launch: bucket('launch') },
    durations,
    observeMs,
  });
  let at = 0;
  const waveSamples = est.waves.map((n) => {
    const ids = targets.slice(at, at + Math.min(n, 5)).map((m) => m.id);
    at += n;
    return ids;
  });
  return { ...est, machines: targets.length, waveSamples, durations };
}
