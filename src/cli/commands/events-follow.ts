import type { ApiClient } from '../client.js';
import { readSse } from '../sse.js';

/** Wait before reconnecting after the server went away (it may be restarting). */
const RECONNECT_MS = 1_000;

/**
 * Follows the live stream from `after`, until `signal` aborts. A dropped connection is
 * resumed with `Last-Event-ID`, so nothing is missed or shown twice across reconnects.
 */
export async function followEvents<E extends { id: number }>(
  client: ApiClient,
  pool: string | undefined,
  after: number,
  show: (e: E) => void,
  signal: AbortSignal,
  reasons?: readonly string[],
): Promise<void> {
  let last = after;
  const params = new URLSearchParams();
  if (pool) params.set('pool', pool);
  if (reasons) params.set('reason', reasons.join(','));
  const path = `/api/v1/events/stream${params.size ? `?${params.toString()}` : ''}`;
  while (!signal.aborted) {
    try {
      const res = await client.open(path, { accept: 'text/event-stream', 'last-event-id': String(last) }, signal);
      for await (const msg of readSse(res.body!)) {
        // An `id:` alone: the server had nothing after our cursor (a restored store, a mistyped
        // --after) and streams from its newest event on; following it keeps us from hiding those.
        if (msg.data === '') {
          if (msg.id !== undefined && /^\d+$/.test(msg.id)) last = Number(msg.id);
          continue;
        }
        const event = JSON.parse(msg.data) as E;
        if (event.id <= last) continue;
        show(event);
        last = event.id;
      }
    } catch (e) {
      if (signal.aborted) return;
      // 4xx (bad token, unknown pool) will not get better by retrying.
      if ((e as { status?: number }).status !== undefined && (e as { status: number }).status < 500) throw e;
    }
    await new Promise((r) => setTimeout(r, RECONNECT_MS));
  }
}
