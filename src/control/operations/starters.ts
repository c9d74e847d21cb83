import { randomUUID } from 'node:crypto';
import type { Operation, OperationItem } from '../../domain/operations/types.js';
import type { Machine } from '../../domain/types.js';
import { isProviderError, type BatchResult, type Provider } from '../../providers/provider.js';
import { tallyCalls, type CallTally } from '../../providers/rate-limited.js';
import type { Store } from '../../store/store.js';
import type { BulkPort } from '../pool/bulk-port.js';

export interface StartContext {
  store: Store;
  /** The controller, seen only through the bulk-operations port. */
  controller: BulkPort;
  provider: Provider;
  now: () => number;
  tally: CallTally;
  /** Cuts the controller loop's pause short, so launch intents just made go out now rather than at its next tick. */
  wakeController?: (() => void) | undefined;
}

/**
 * Restart, stop or start: the items are stored in progress with `sentAt` before the one batched
 * provider call (split by the limiter to idsPerCall), so a crash mid-call leaves evidence to
 * check rather than a guess; what the provider accepted gets `acceptedAt`.
 */
export async function startMachineAction(ctx: StartContext, op: Operation, items: OperationItem[]): Promise<void> {
  const sentAt = ctx.now();
  for (const i of items) Object.assign(i, { status: 'in-progress', sentAt });
  await ctx.store.saveOperationItems(items);
  const ids = items.map((i) => i.machine);
  let result: BatchResult;
  try {
    result = await tallyCalls(ctx.tally, () =>
      op.kind === 'restart' ? ctx.provider.reboot(ids, { hard: op.hard }) : op.kind === 'stop' ? ctx.provider.stop(ids) : ctx.provider.start(ids),
    );
  } catch (e) {
    if (!isProviderError(e)) throw e;
    // The whole call failed (throttled past every retry, an outage): nothing was done; try again next step.
    for (const i of items) Object.assign(i, { status: 'pending', sentAt: undefined });
    await ctx.store.saveOperationItems(items);
    return;
  }
  const acceptedAt = ctx.now();
  const byId = new Map(items.map((i) => [i.machine, i]));
  for (const id of result.done) Object.assign(byId.get(id)!, { acceptedAt });
  for (const id of result.notFound) Object.assign(byId.get(id)!, { status: 'failed', error: 'the provider does not know this machine', doneAt: acceptedAt });
  for (const f of result.failed) {
    const item = byId.get(f.id)!;
    // A retryable failure of one chunk goes back in the queue; a refusal (wrong state…) is this machine's failure.
    if (f.error.retryable) Object.assign(item, { status: 'pending', sentAt: undefined });
    else Object.assign(item, { status: 'failed', error: f.error.message, doneAt: acceptedAt });
  }
  await ctx.store.saveOperationItems(items);
  const to = op.kind === 'restart' ? 'rebooting' : op.kind === 'stop' ? 'stopped' : 'booting';
  const reason = op.kind === 'restart' ? 'Rebooting' : op.kind === 'stop' ? 'Stopped' : 'Booting';
  await ctx.controller.recordOperationTransition(op.pool, { ids: result.done, to, reason, cause: `operation ${op.id}` });
}

/**
 * Replace: launch intents per zone for the items' new machines, from the operation's
 * template version, each at most one launch call's worth (an intent is one call, under one
 * token). Items are stored first, naming their intent, so a crash before the intent exists
 * is seen (and the intent made) on resume; the controller sends open intents with their id
 * as idempotency token, so nothing launches twice.
 */
export async function startReplace(ctx: StartContext, op: Operation, items: OperationItem[], machines: ReadonlyMap<string, Machine>): Promise<void> {
  const now = ctx.now();
  const perCall = Math.max(1, ctx.provider.limits.launchPerCall);
  const byZone = new Map<string, OperationItem[]>();
  for (const i of items) byZone.set(i.zone, [...(byZone.get(i.zone) ?? []), i]);
  const groups: [zone: string, items: OperationItem[]][] = [];
  for (const [zone, all] of byZone) {
    for (let at = 0; at < all.length; at += perCall) {
      const group = all.slice(at, at + perCall);
      const intent = `li-${op.id}-${randomUUID().slice(0, 8)}`;
      for (const i of group) Object.assign(i, { status: 'in-progress', sentAt: now, acceptedAt: now, intent });
      groups.push([zone, group]);
    }
  }
  await ctx.store.saveOperationItems(items);
  for (const [zone, group] of groups) await ensureIntent(ctx, op, group, { zone, machines, now });
  // Every wave of a replace would otherwise start up to one tick interval late (issue 20, item 3).
  ctx.wakeController?.();
}

/** The zone a group of a replace's items launches in, the pool's machines (for the old machines' sizes), and the step's time. */
export interface IntentPlace {
  zone: string;
  machines: ReadonlyMap<string, Machine>;
  now: number;
}

/** Creates a group's launch intent unless it exists (a resume after a crash between the items and the intent). */
export async function ensureIntent(ctx: StartContext, op: Operation, group: OperationItem[], at: IntentPlace): Promise<void> {
  const { zone, machines, now } = at;
  const id = group[0]!.intent!;
  if ((await ctx.store.listIntents({ pool: op.pool })).some((i) => i.id === id)) return;
  const pool = await ctx.store.getPool(op.pool);
  const template = pool && (await ctx.store.getTemplate(pool.template, op.progress.toVersion));
  if (!template) return;
  const old = machines.get(group[0]!.machine);
  const size = old && template.sizes.includes(old.size) ? old.size : template.sizes[0]!;
  await ctx.store.createIntent({
    id,
    pool: op.pool,
    zone,
    size,
    count: group.length,
    templateVersion: template.version,
    createdAt: now,
    replaces: group.map((i) => i.machine),
    status: 'open',
    // The controller sends it on its next tick: nothing can have been made for it yet.
    sentAt: 0,
  });
}
