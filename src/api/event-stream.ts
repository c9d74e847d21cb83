import { once } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock/clock.js';
import type { Store } from '../store/store.js';
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

  /** Takes the response over and streams from `after` until the client leaves or the app closes. */
  start(request: FastifyRequest, reply: FastifyReply, query: { pool?: string | undefined; after?: number | undefined }): void {
    const header = request.headers['last-event-id'];
    const resume = typeof header === 'string' && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
    let cursor = resume ?? query.after ?? 0;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 1000\n\n');
    const stop = new AbortController();
    this.open.add(stop);
    res.once('close', () => stop.abort());

    const run = async (): Promise<void> => {
      let quietSince = this.clock.now();
      while (!stop.signal.aborted) {
        const batch = await this.store.listEvents({ pool: query.pool, after: cursor, limit: SSE_BATCH });
        for (const e of batch) {
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
