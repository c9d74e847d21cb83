import type { Operation, OperationStatus } from '../../domain/operations/types.js';
import type { Store } from '../../store/store.js';
import type { Entry } from './executor.js';
import type { StartContext } from './starters.js';

/** A pool held on an older template version after a rolled-back replace, until a newer version than `to` is applied. */
export interface Pin {
  from: number;
  to: number;
}

/** How an operation ends: its status and message, when, and whether `decide` aborted it (a replace is then rolled back). */
export interface OperationEnd {
  status: OperationStatus;
  message: string;
  now: number;
  abort?: boolean | undefined;
}

/**
 * Ends an operation. A replace that aborts or is cancelled is rolled back: its open launch
 * intents are closed, and every new machine whose old machine is still there is terminated,
 * so the pool is left on the machines (and template version) it had. Old machines are never
 * terminated here: nothing is lost.
 */
export async function finishOperation(entry: Entry, ctx: StartContext, end: OperationEnd): Promise<void> {
  const { status, now, abort = false } = end;
  let { message } = end;
  const op = entry.op;
  if (op.kind === 'replace' && (abort || status === 'cancelled')) {
    await entry.busy;
    for (const i of await ctx.store.listIntents({ pool: op.pool, status: 'open' })) {
      if (i.id.startsWith(`li-${op.id}-`)) await ctx.store.setIntentStatus(i.id, 'failed');
    }
    const machines = new Map(ctx.controller.machines(op.pool).map((m) => [m.id, m]));
    const mine = new Set(entry.items.map((i) => i.intent).filter((x): x is string => x !== undefined));
    const keptOld = new Set(entry.items.filter((i) => machines.get(i.machine) && machines.get(i.machine)!.state !== 'terminating').map((i) => i.machine));
    const undo = [...machines.values()].filter((m) => m.intent && mine.has(m.intent) && (!m.replaces || keptOld.has(m.replaces))).map((m) => m.id);
    if (undo.length) await ctx.controller.terminateForOperation(op.pool, undo, `operation ${op.id}: rolled back`);
    const undone = new Set(undo);
    const touched = entry.items.filter((i) => i.replacement && undone.has(i.replacement));
    for (const i of touched) Object.assign(i, { status: i.status === 'done' ? 'failed' : i.status, error: i.error ?? 'rolled back' });
    for (const i of entry.items) if (i.status === 'in-progress') Object.assign(i, { status: 'failed', error: i.error ?? 'rolled back', doneAt: now });
    await ctx.store.saveOperationItems(entry.items);
    if (abort) message = `${message}; rolled back: ${undo.length} new machines terminated, the pool stays on template version ${op.progress.fromVersion}`;
  }
  Object.assign(op, { status, message, finishedAt: now, updatedAt: now, progress: { ...op.progress, api: { ...entry.tally } } });
  await ctx.store.updateOperation(op);
  // The end as an event too, so readers of the event log (notifications, `flotte events`) hear of it.
  const reason = status === 'succeeded' ? 'OperationSucceeded' : status === 'failed' || status === 'rolled-back' ? 'OperationFailed' : undefined;
  if (reason) await ctx.store.appendEvents([{ at: now, pool: op.pool, reason, message: `operation ${op.id} (${op.kind}) ${status}: ${message}`, data: { operation: op.id, kind: op.kind, status } }]);
}

/** Pins from rolled-back replaces, per pool: only the newest replace of a pool counts. */
export async function pinsFor(store: Store): Promise<Map<string, Pin>> {
  const out = new Map<string, Pin>();
  const seen = new Set<string>();
  for (const op of await store.listOperations({ limit: 200 })) {
    if (op.kind !== 'replace' || seen.has(op.pool) || op.status === 'running' || op.status === 'paused') continue;
    seen.add(op.pool);
    if (op.status !== 'rolled-back' || op.progress.fromVersion === undefined || op.progress.toVersion === undefined) continue;
    const pool = await store.getPool(op.pool);
    const latest = pool && (await store.getTemplate(pool.template));
    if (latest?.version === op.progress.toVersion) out.set(op.pool, pinOf(op));
  }
  return out;
}

function pinOf(op: Operation): Pin {
  return { from: op.progress.fromVersion!, to: op.progress.toVersion! };
}
