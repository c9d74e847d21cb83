import { once } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock/clock.js';
import type { Store } from '../store/store.js';
import { ApiError } from './errors.js';
import { EVENT_POLL_MS, SSE_BATCH, SSE_HEARTBEAT_MS } from './limits.js';
import { eventView } from './routes/events.js';

/**
 * Server-sent events, read from the store. The store is the source of truth: every API
 * process polls it from the client's cursor, so a stream sees events written by any
 * controller, and a client reconnecting with `Last-Event-ID` resumes exactly after the last
 * event it got. Nothing is held in memory that a restart could lose.
 */
export class EventStreams {
  private readonly open = new Set<AbortController>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Ends every open stream: clients reconnect (to another process) with their Last-Event-ID. */
  closeAll(): void {
    for (const c of this.open) c.abort();
  }

  install(app: FastifyInstance): void {
    app.addHook('preClose', async () => this.closeAll());
  }

  /**
   * Takes the response over and streams from the cursor until the client leaves or the app
   * closes. The cursor is `Last-Event-ID` when sent (the browser's reconnect), else `after`.
   * One that is not an event id is refused before anything is streamed: read as "from the
   * start", it would replay the whole history. One beyond the newest event (a store restored
   * from a backup, a client of another install) starts from now on, after a notice that says so.
   */
  start(request: FastifyRequest, reply: FastifyReply, query: { pool?: string | undefined; after?: number | undefined; reasons?: readonly string[] | undefined }): void {
    const resume = lastEventId(request);
    const asked = resume ?? query.after ?? 0;
    const named = resume !== undefined ? 'Last-Event-ID' : 'after';
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 1000\n\n');
    const stop = new AbortController();
    this.open.add(stop);
    res.once('close', () => stop.abort());
    let cursor = asked;

    const run = async (): Promise<void> => {
      const newest = await this.store.latestEventId();
      if (asked > newest) {
        // The `id:` line moves the client's own Last-Event-ID back, so its next reconnect resumes from here.
        res.write(`: ${named} ${asked} is ahead of the newest event (${newest}); streaming new events after ${newest}\nid: ${newest}\n\n`);
        cursor = newest;
      }
      let quietSince = this.clock.now();
      while (!stop.signal.aborted) {
        // Reasons are filtered here, not in the query: the cursor then passes every event, so a
        // rare reason does not make each poll rescan everything written since its last match.
        const batch = await this.store.listEvents({ pool: query.pool, after: cursor, limit: SSE_BATCH });
        for (const e of batch) {
          if (query.reasons && !query.reasons.includes(e.reason)) {
            cursor = e.id;
            continue;
          }
          if (!res.write(`id: ${e.id}\ndata: ${JSON.stringify(eventView(e))}\n\n`)) await once(res, 'drain', { signal: stop.signal });
          cursor = e.id;
        }
        if (batch.length === SSE_BATCH) continue;
        if (batch.length > 0) quietSince = this.clock.now();
        else if (this.clock.now() - quietSince >= SSE_HEARTBEAT_MS) {
          res.write(': keep-alive\n\n');
          quietSince = this.clock.now();
        }
        await this.clock.sleep(EVENT_POLL_MS, stop.signal);
      }
    };
    run()
      .catch((err: unknown) => {
        if (!stop.signal.aborted) request.log.warn({ err }, 'event stream ended by an error');
      })
      .finally(() => {
        this.open.delete(stop);
        res.end();
      });
  }
}

/** The `Last-Event-ID` header as a cursor; undefined when absent, an ApiError (400) when it is not an event id. */
function lastEventId(request: FastifyRequest): number | undefined {
  const header = request.headers['last-event-id'];
  if (header === undefined) return undefined;
  const text = (Array.isArray(header) ? header.join(',') : header).trim();
  if (/^\d+$/.test(text)) return Number(text);
  throw new ApiError('invalid_request', `Last-Event-ID "${text}" is not an event id (send the id of the last event received, a whole number, or leave the header out to start from the beginning)`, [
    { field: 'headers.last-event-id', message: 'must be an event id: a whole number, 0 or more' },
  ]);
}

const streams = new WeakMap<object, EventStreams>();

/** One stream registry per app (keyed by its deps), so `buildApp` can close them on shutdown. */
export function streamsFor(deps: { store: Store; clock: Clock }): EventStreams {
  let s = streams.get(deps);
  if (!s) {
    s = new EventStreams(deps.store, deps.clock);
    streams.set(deps, s);
  }
  return s;
}

export const wantsEventStream = (request: FastifyRequest): boolean => (request.headers.accept ?? '').includes('text/event-stream');
