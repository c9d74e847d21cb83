import { ProviderError, chunk, emptyBatch, type BatchResult } from '../provider.js';
import { IDS_PER_CALL, MAX_BATCH_ROUNDS } from './constants.js';
import { idsInNotFound, toProviderError } from './errors.js';

/**
 * One id-list action (terminate, reboot, stop, start) over any number of ids. EC2 fails a
 * whole call for one unknown or wrong-state id and names it in the message: those ids are
 * set aside (notFound, or failed) and the call re-sent with the rest. An id launched moments
 * ago is reported failed as `unavailable` rather than notFound, because EC2's "not found"
 * may only mean "not visible yet", and the controller must not write off a live machine.
 */
export async function batchCall(
  ids: readonly string[],
  send: (ids: string[]) => Promise<unknown>,
  isYoung: (id: string) => boolean,
): Promise<BatchResult> {
  const out = emptyBatch();
  for (const part of chunk(ids, IDS_PER_CALL)) {
    let pending = part;
    for (let round = 0; pending.length > 0; round++) {
      try {
        await send(pending);
        out.done.push(...pending);
        break;
      } catch (e) {
        const err = toProviderError(e);
        const named = new Set(idsInNotFound(err.message).filter((id) => pending.includes(id)));
        const code = err.details.code ?? '';
        if (round >= MAX_BATCH_ROUNDS || named.size === 0 || (!code.startsWith('InvalidInstanceID.NotFound') && code !== 'IncorrectInstanceState')) {
          if (out.done.length + out.notFound.length + out.failed.length === 0 && part === ids) throw err;
          for (const id of pending) out.failed.push({ id, error: err });
          break;
        }
        for (const id of named) {
          if (code === 'IncorrectInstanceState') out.failed.push({ id, error: new ProviderError('invalid', `IncorrectInstanceState: ${id}`, { code }) });
          else if (isYoung(id)) out.failed.push({ id, error: new ProviderError('unavailable', `${id} is not visible to EC2 yet (eventual consistency)`, { code }) });
          else out.notFound.push(id);
        }
        pending = pending.filter((id) => !named.has(id));
      }
    }
  }
  return out;
}
