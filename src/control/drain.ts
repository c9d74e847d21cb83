import type { Action } from '../domain/plan.js';
import type { Journal } from './journal.js';
import { poolEvents } from './pool/events.js';
import type { PoolScope } from './pool/tick.js';

/**
 * Applies the plan's drain and reclaim actions. Both are state changes only: agents learn of
 * a drain from the answer to their next heartbeat, and of a reclaim when that order is gone.
 */
export function applyDrainActions(t: Pick<PoolScope, 'machines' | 'record' | 'journal' | 'now'>, action: Extract<Action, { kind: 'drain' | 'reclaim' }>, busy: (id: string) => number): void {
  const { machines, record, journal, now } = t;
  for (const id of action.ids) {
    const m = machines.get(id);
    if (!m) continue;
    if (action.kind === 'drain') {
      record({ ...m, state: 'draining', since: now });
      journal.add(poolEvents.draining(m, action.reason, busy(id)));
    } else if (m.state === 'draining') {
      record({ ...m, state: 'ready', since: now });
      journal.add(poolEvents.reclaimed(id));
    }
  }
}

/** Says why a drained machine goes, before the terminate itself is recorded. */
export function noteDrainEnd(action: Extract<Action, { kind: 'terminate' }>, journal: Journal, busy: (id: string) => number): void {
  if (action.reason !== 'Drained' && action.reason !== 'DrainTimeout') return;
  for (const id of action.ids) journal.add(poolEvents.drainEnded(action.reason, id, busy(id)));
}
