import { canTransition, type MachineState } from '../../domain/lifecycle.js';
import type { EventReason } from '../../domain/types.js';
import { poolEvents } from './events.js';
import type { PoolScope } from './tick.js';

/** Machines an operation moved: to which state, under which event reason, and why. */
export interface OperationMove {
  ids: readonly string[];
  to: MachineState;
  reason: EventReason;
  cause: string;
}

/**
 * Records lifecycle transitions an operation caused (e.g. ready → rebooting after its reboot
 * call was accepted), with the operation as cause: the controller stays the only writer of
 * machine rows. Machines not in a state that may move to `to` are left as they are.
 */
export function recordTransition(s: Pick<PoolScope, 'machines' | 'journal' | 'now' | 'record'>, moved: OperationMove): void {
  const { ids, to, reason, cause } = moved;
  for (const id of ids) {
    const m = s.machines.get(id);
    if (!m || m.state === to || !canTransition(m.state, to)) continue;
    s.record({ ...m, state: to, since: s.now });
    s.journal.add(poolEvents.operationMoved(m, to, reason, cause));
  }
}
