import type { LaunchIntent } from '../../domain/types.js';
import { poolEvents } from './events.js';
import type { PoolTick } from './tick.js';

/**
 * A pool an apply removed goes once nothing of it is left, in flotte's records or in the cloud:
 * no machine recorded, no open intent, and everything the provider lists terminated.
 */
export async function removeIfEmpty(t: PoolTick, intents: readonly LaunchIntent[]): Promise<boolean> {
  const { spec } = t;
  if (spec.removedAt === undefined || t.machines.size > 0 || intents.length > 0 || !t.seen.every((pm) => pm.status === 'terminated')) return false;
  if (!(await t.rt.store.deleteRemovedPool(spec.name))) return false;
  t.journal.add(poolEvents.poolRemoved(spec.name));
  return true;
}
