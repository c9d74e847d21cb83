import { ACTIVE_STATUSES } from '../../domain/operations/types.js';
import type { Machine } from '../../domain/types.js';
import type { Entry } from './executor.js';

/**
 * Machines active operations hold in a pool: every machine not yet settled (pending ones too,
 * so scale-in cannot take a machine out from under its turn) and every new machine a replace
 * made, until the operation ends; also one made for an item's intent that the item has not
 * claimed yet (launched this tick, or adopted after a crash before the executor's next step).
 */
export function heldMachines(entries: Iterable<Entry>, pool: string, machines: ReadonlyMap<string, Machine>): Set<string> {
  const out = new Set<string>();
  const intents = new Set<string>();
  for (const e of entries) {
    if (e.op.pool !== pool || !ACTIVE_STATUSES.has(e.op.status)) continue;
    for (const i of e.items) {
      if (i.status === 'pending' || i.status === 'in-progress') out.add(i.machine);
      if (i.replacement && i.status !== 'failed') out.add(i.replacement);
      if (i.intent && i.status === 'in-progress' && !i.replacement) intents.add(i.intent);
    }
  }
  if (intents.size > 0) for (const m of machines.values()) if (m.intent && intents.has(m.intent)) out.add(m.id);
  return out;
}

/** Old machines of a replace whose new machine is asked for (or up), while the operation runs. */
export function replacingOld(entries: Iterable<Entry>, pool: string): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    if (e.op.pool !== pool || e.op.kind !== 'replace' || !ACTIVE_STATUSES.has(e.op.status)) continue;
    for (const i of e.items) if (i.intent && i.status !== 'failed') out.add(i.machine);
  }
  return out;
}

/** A replace's machines above desired: items that asked for a new machine while their old one is not yet terminating. */
export function surgeCount(entries: Iterable<Entry>, pool: string, machines: ReadonlyMap<string, Machine>): number {
  let n = 0;
  for (const e of entries) {
    if (e.op.pool !== pool || e.op.kind !== 'replace' || !ACTIVE_STATUSES.has(e.op.status)) continue;
    for (const i of e.items) {
      if (!i.intent || i.status === 'failed') continue;
      const old = machines.get(i.machine);
      if (old && old.state !== 'terminating') n++;
    }
  }
  return n;
}
