import { planInterruptions, type InterruptionPlan } from '../interruptions.js';
import { terminate } from './actuate.js';
import { poolEvents } from './events.js';
import { targetOf, type PoolTick } from './tick.js';

/**
 * A noticed machine is replaced first (counted as surge above desired, and queued as unreplaced
 * so the plan launches for it), then ended once the replacement is ready (see `endInterrupted`).
 * Each notice is announced once. Undefined when no notice is waiting.
 */
export function noticeInterruptions(t: PoolTick): InterruptionPlan | undefined {
  const inbox = t.rt.interruptions;
  if (!inbox?.size()) return undefined;
  const doomed = planInterruptions([...t.machines.values()], (id) => inbox.get(id), targetOf(t.spec), t.now);
  for (const id of doomed.replace) {
    const n = inbox.get(id)!;
    if (!inbox.announce(id)) continue;
    t.journal.add(poolEvents.interrupted(id, n));
    t.unreplaced.push(id);
  }
  return doomed;
}

/** Terminates the doomed machines whose time came (after the tick's other actions), and forgets their notices. */
export async function endInterrupted(t: PoolTick, doomed: InterruptionPlan | undefined): Promise<void> {
  if (!doomed?.terminate.length) return;
  await terminate(t, doomed.terminate, 'Interrupted');
  for (const id of doomed.terminate) t.rt.interruptions!.forget(id);
}
