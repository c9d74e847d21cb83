import type { PoolView } from '../../domain/operations/decide.js';
import type { OperationItem } from '../../domain/operations/types.js';
import type { LaunchIntent, Machine } from '../../domain/types.js';
import type { ProviderMachine } from '../../providers/provider.js';
import type { BulkPort } from '../pool/bulk-port.js';
import { CONFIRM_AFTER_MS } from './constants.js';
import type { Entry } from './executor.js';
import { gate } from './gating.js';

/** What gating an operation's items reads this step. */
export interface GateInputs {
  machines: ReadonlyMap<string, Machine>;
  intents: ReadonlyMap<string, LaunchIntent>;
  now: number;
  /** The provider's view of the pool, fetched only when an item cannot be confirmed from the controller's. */
  list: () => Promise<Map<string, ProviderMachine>>;
}

/**
 * Gates the in-progress items on health: done, failed or still in progress. An item the
 * controller's view cannot confirm for too long is checked once against the provider's list
 * (a second pass). Returns the items whose status changed (already updated in place).
 */
export async function gateInProgress(entry: Entry, g: GateInputs): Promise<OperationItem[]> {
  const { op } = entry;
  const { machines, intents, now } = g;
  const changed: OperationItem[] = [];
  let seen: Map<string, ProviderMachine> | undefined;
  for (let pass = 0; pass < 2; pass++) {
    let unconfirmed = false;
    for (const item of entry.items) {
      if (item.status !== 'in-progress') continue;
      const v = gate(op, item, { machines, seen, intents, now });
      if (v.status === 'in-progress') {
        if (v.unconfirmed && now - (item.acceptedAt ?? now) > CONFIRM_AFTER_MS) unconfirmed = true;
        continue;
      }
      Object.assign(item, { status: v.status, doneAt: now, ...(v.status === 'failed' ? { error: 'error' in v ? v.error : undefined } : {}) });
      changed.push(item);
    }
    if (!unconfirmed || seen) break;
    seen = await g.list();
  }
  return changed;
}

/** Terminates old machines of a replace whose new machine is ready; canary olds wait for the bake. */
export async function retireOld(port: Pick<BulkPort, 'terminateForOperation'>, entry: Entry, machines: ReadonlyMap<string, Machine>, cause: string): Promise<void> {
  if (entry.op.progress.phase !== 'main') return;
  const old = entry.items.filter((i) => i.status === 'done' && i.replacement && machines.get(i.machine) && machines.get(i.machine)!.state !== 'terminating').map((i) => i.machine);
  if (old.length) await port.terminateForOperation(entry.op.pool, old, `operation ${entry.op.id}: ${cause}`);
}

/** The pool as `decide` weighs it: its size, ready machines, and whether the canary is healthy. */
export function poolView(entry: Entry, machines: ReadonlyMap<string, Machine>): PoolView {
  let ready = 0;
  for (const m of machines.values()) if (m.state === 'ready') ready++;
  const canary = entry.items.slice(0, entry.op.strategy.canary?.count ?? 0);
  const healthy = (i: OperationItem) => i.status === 'done' && machines.get(entry.op.kind === 'replace' ? i.replacement ?? '' : i.machine)?.state === 'ready';
  return { poolSize: entry.op.progress.poolSize, ready, canaryHealthy: canary.every(healthy) };
}

const LOST: ReadonlySet<Machine['state']> = new Set(['unhealthy', 'terminating', 'gone']);

/**
 * A replace's pending items whose machine died or turned unhealthy before their turn (a roll-out
 * held for hours by its budget, say): healing replaces those machines, so the operation must
 * not launch a second successor for them. Settled as done without a replacement, with a note.
 */
export function settleLost(items: OperationItem[], machines: ReadonlyMap<string, Machine>, now: number): OperationItem[] {
  const out: OperationItem[] = [];
  for (const item of items) {
    const m = machines.get(item.machine);
    if (item.status !== 'pending' || (m && !LOST.has(m.state))) continue;
    Object.assign(item, { status: 'done', doneAt: now, error: `skipped: the machine was ${m ? m.state : 'gone'} before its turn, and healing replaces it` });
    out.push(item);
  }
  return out;
}
