import type { Operation, OperationItem } from '../../domain/operations/types.js';
import type { LaunchIntent, Machine } from '../../domain/types.js';
import type { ProviderMachine } from '../../providers/provider.js';
import { ITEM_TIMEOUT_MS } from './constants.js';

/** What gating reads: the controller's machines of the pool, the provider's view when fetched, the op's launch intents. */
export interface GateInput {
  machines: ReadonlyMap<string, Machine>;
  seen?: ReadonlyMap<string, ProviderMachine> | undefined;
  intents: ReadonlyMap<string, LaunchIntent>;
  now: number;
}

/** What gating concluded for one in-progress item. */
export type Verdict = { status: 'done' | 'failed'; error?: string } | { status: 'in-progress'; replacement?: string; unconfirmed?: boolean };

const GONE: ReadonlySet<Machine['state']> = new Set(['terminating', 'gone']);

/**
 * Health gating: an item is done when its machine is back in the state the operation aims at
 * (ready after a reboot, a start, or, for a replace, its new machine ready), and failed when
 * the machine is lost, unhealthy, or not back within ITEM_TIMEOUT_MS.
 */
export function gate(op: Operation, item: OperationItem, input: GateInput): Verdict {
  const { machines, now } = input;
  const since = item.acceptedAt ?? item.sentAt ?? now;
  const late = now - since > ITEM_TIMEOUT_MS ? { status: 'failed' as const, error: `not back within ${ITEM_TIMEOUT_MS / 60_000} min` } : undefined;
  if (op.kind === 'replace') {
    const r = item.replacement ? machines.get(item.replacement) : undefined;
    if (item.replacement && !r) {
      // Unknown to the controller is not gone: a crash between the launch and its record leaves the
      // new machine to be adopted on the next tick. Only the cloud's own list can say it is gone.
      const pm = input.seen?.get(item.replacement);
      if (!input.seen) return late ?? { status: 'in-progress', unconfirmed: true };
      if (pm && pm.status !== 'terminating' && pm.status !== 'terminated') return late ?? { status: 'in-progress' };
      return { status: 'failed', error: `its replacement ${item.replacement} is gone` };
    }
    if (r?.state === 'ready') return { status: 'done' };
    if (r?.state === 'unhealthy') return { status: 'failed', error: `its replacement ${r.id} turned unhealthy` };
    if (r && GONE.has(r.state)) return { status: 'failed', error: `its replacement ${r.id} died` };
    const intent = item.intent ? input.intents.get(item.intent) : undefined;
    if (!item.replacement && intent?.status === 'failed') return { status: 'failed', error: `launch ${intent.id} failed` };
    return late ?? { status: 'in-progress' };
  }
  const m = machines.get(item.machine);
  if (!m || GONE.has(m.state)) return { status: 'failed', error: 'the machine is gone' };
  if (item.acceptedAt === undefined) return { status: 'in-progress' };
  if (op.kind === 'stop') return m.state === 'stopped' ? { status: 'done' } : late ?? { status: 'in-progress' };
  if (m.state === 'unhealthy' && now - since > ITEM_TIMEOUT_MS / 3) return { status: 'failed', error: 'unhealthy after the action' };
  if (m.state !== 'ready') return late ?? { status: 'in-progress' };
  // Ready again only counts when the ready came after the provider accepted the action…
  if ((m.readyAt ?? 0) > item.acceptedAt) return { status: 'done' };
  // …or when the provider itself shows the reboot began after we sent it and is over (a reboot the controller never saw).
  const pm = input.seen?.get(item.machine);
  if (op.kind === 'restart' && pm?.status === 'running' && pm.lastRebootAt !== undefined && pm.lastRebootAt >= (item.sentAt ?? item.acceptedAt)) return { status: 'done' };
  return late ?? { status: 'in-progress', unconfirmed: true };
}

/** Hands a replace's new machines (found by their launch intent) to the items that asked for them, in order. */
export function assignReplacements(items: OperationItem[], machines: ReadonlyMap<string, Machine>): OperationItem[] {
  const taken = new Set(items.map((i) => i.replacement).filter((r): r is string => r !== undefined));
  const byIntent = new Map<string, Machine[]>();
  for (const m of machines.values()) {
    if (!m.intent || taken.has(m.id)) continue;
    byIntent.set(m.intent, [...(byIntent.get(m.intent) ?? []), m]);
  }
  const changed: OperationItem[] = [];
  for (const item of items) {
    if (item.status !== 'in-progress' || item.replacement || !item.intent) continue;
    const next = byIntent.get(item.intent)?.shift();
    if (next) {
      item.replacement = next.id;
      changed.push(item);
    }
  }
  return changed;
}
