import type { Clock } from '../../clock/clock.js';
import { emptyBatch, ProviderError, type BatchResult } from '../provider.js';
import { OpenStackApiError } from './api-error.js';
import { toProviderError } from './errors.js';
import type { InFlight } from './in-flight.js';
import type { NovaApi } from './nova.js';

/** A 409 caused by a task in progress ("…while it is in task_state rebooting") is retried this often… */
export const CONFLICT_RETRIES = 4;
/** …after this pause, doubled each time: Nova's task states last seconds. */
export const CONFLICT_BACKOFF_MS = 1_000;

export const SERVER_ACTIONS = ['delete', 'reboot-soft', 'reboot-hard', 'stop', 'start', 'shelve', 'unshelve'] as const;
export type ServerAction = (typeof SERVER_ACTIONS)[number];

const BODY: Record<Exclude<ServerAction, 'delete'>, Record<string, unknown>> = {
  'reboot-soft': { reboot: { type: 'SOFT' } },
  'reboot-hard': { reboot: { type: 'HARD' } },
  stop: { 'os-stop': null },
  start: { 'os-start': null },
  shelve: { shelve: null },
  unshelve: { unshelve: null },
};

/** A 409 that says the server already is where the action would take it: done, not failed. */
const ALREADY_THERE: Partial<Record<ServerAction, RegExp>> = {
  stop: /vm_state (stopped|shelved)/i,
  start: /vm_state active/i,
  shelve: /vm_state shelved/i,
  unshelve: /vm_state active/i,
};

/**
 * Applies one action to many servers: Nova has no batch reboot/stop/start, so it is one call
 * per server, at most `inFlight.limit` at a time. Each server gets its own outcome.
 */
export async function applyAction(
  nova: NovaApi,
  inFlight: InFlight,
  clock: Clock,
  action: ServerAction,
  ids: readonly string[],
  secrets: () => string[],
  signal?: AbortSignal,
): Promise<BatchResult> {
  const result = emptyBatch();
  const outcomes = await inFlight.all(ids, (id) => once(nova, clock, action, id, signal));
  outcomes.forEach((o, i) => {
    const id = ids[i]!;
    if (o.status === 'fulfilled') {
      (o.value === 'done' ? result.done : result.notFound).push(id);
      return;
    }
    if (signal?.aborted) throw signal.reason;
    result.failed.push({ id, error: toProviderError(o.reason, secrets()) });
  });
  // A call none of whose servers got through failed as a whole: the limiter may retry it.
  if (result.failed.length > 0 && result.failed.length === ids.length && result.failed.every((f) => f.error.retryable)) {
    throw result.failed[0]!.error;
  }
  return result;
}

async function once(nova: NovaApi, clock: Clock, action: ServerAction, id: string, signal?: AbortSignal): Promise<'done' | 'not-found'> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (action === 'delete') await nova.deleteServer(id, signal);
      else await nova.action(id, BODY[action], signal);
      return 'done';
    } catch (e) {
      if (!(e instanceof OpenStackApiError)) throw e;
      if (e.status === 404) return 'not-found';
      if (e.status !== 409) throw e;
      if (ALREADY_THERE[action]?.test(e.message)) return 'done';
      // A shelved server refuses os-start ("is not ready", no state named): starting it is unshelving.
      // The look costs a call only on this conflict, never on the usual path.
      if (action === 'start' && (await nova.getServer(id, signal)).status.startsWith('SHELVED')) return once(nova, clock, 'unshelve', id, signal);
      if (!/task_state/i.test(e.message)) throw new ProviderError('invalid', e.message, { code: 'Conflict' });
      if (attempt >= CONFLICT_RETRIES) throw e;
      await clock.sleep(CONFLICT_BACKOFF_MS * 2 ** attempt, signal);
    }
  }
}
