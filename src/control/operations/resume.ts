import type { OperationItem } from '../../domain/operations/types.js';
import type { Machine } from '../../domain/types.js';
import type { ProviderMachine } from '../../providers/provider.js';
import { tallyCalls } from '../../providers/rate-limited.js';
import type { Entry } from './executor.js';
import { ensureIntent, type StartContext } from './starters.js';

/**
 * After a restart of the controller: items whose provider call may or may not have gone out
 * (stored in progress, no `acceptedAt`) are checked against the cloud. A reboot that began
 * after `sentAt` (the provider's `lastRebootAt`, else a `rebooting` status) was sent and is
 * waited for; anything else goes back to pending and is sent again. Done items are not touched.
 */
export async function resumeEntry(entry: Entry, ctx: StartContext & { cluster: string }, machines: ReadonlyMap<string, Machine>): Promise<void> {
  const op = entry.op;
  const open = entry.items.filter((i) => i.status === 'in-progress');
  if (open.length === 0) return;
  if (op.kind === 'replace') {
    const groups = new Map<string, OperationItem[]>();
    for (const i of open) if (i.intent) groups.set(i.intent, [...(groups.get(i.intent) ?? []), i]);
    for (const group of groups.values()) await ensureIntent(ctx, op, group, { zone: group[0]!.zone, machines, now: ctx.now() });
    return;
  }
  const unsure = open.filter((i) => i.acceptedAt === undefined);
  if (unsure.length === 0) return;
  const seen = new Map<string, ProviderMachine>(
    (await tallyCalls(entry.tally, () => ctx.provider.list({ cluster: ctx.cluster, pools: [op.pool] }))).map((pm) => [pm.id, pm]),
  );
  const accepted: string[] = [];
  for (const item of unsure) {
    const pm = seen.get(item.machine);
    const sent = item.sentAt ?? 0;
    const happened =
      op.kind === 'restart'
        ? pm?.lastRebootAt !== undefined
          ? pm.lastRebootAt >= sent
          : pm?.status === 'rebooting'
        : op.kind === 'stop'
          ? pm?.status === 'stopping' || pm?.status === 'stopped'
          : pm?.status === 'pending' || pm?.status === 'running';
    if (happened) {
      item.acceptedAt = op.kind === 'restart' && pm?.lastRebootAt !== undefined ? pm.lastRebootAt : sent;
      accepted.push(item.machine);
    } else {
      Object.assign(item, { status: 'pending', sentAt: undefined });
    }
  }
  await ctx.store.saveOperationItems(unsure);
  if (op.kind === 'restart' && accepted.length) await ctx.controller.recordOperationTransition(op.pool, { ids: accepted, to: 'rebooting', reason: 'Rebooting', cause: `operation ${op.id} (checked after a restart)` });
}
