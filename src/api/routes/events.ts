import { z } from 'zod';
import { notFound } from '../errors.js';
import { streamsFor, wantsEventStream } from '../event-stream.js';
import { defineRoute } from '../route.js';
import type { ApiDeps } from '../app.js';
import type { FleetEvent } from '../../domain/types.js';
import { EventPageSchema, EventReasonFilterSchema } from '../contract/index.js';

const page = z.object({
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  machine: z.string().optional(),
  reason: EventReasonFilterSchema.optional(),
  newest: z
    .stringbool()
    .default(false)
    .describe('the last `limit` events instead of the first (still oldest first, `next` null): what a screen shows on arrival before it follows the stream from the last id'),
});

export const eventView = (e: FleetEvent) => ({ ...e, at: new Date(e.at).toISOString() });

export function eventRoutes(deps: ApiDeps) {
  const { store } = deps;
  const list = async (pool: string | undefined, q: z.infer<typeof page>) => {
    const items = await store.listEvents({ pool, machine: q.machine, reasons: q.reason, after: q.after, limit: q.limit, newest: q.newest });
    const last = items.at(-1);
    // The newest page is the last one: nothing follows it but the live stream.
    return { items: items.map(eventView), next: !q.newest && items.length === q.limit && last ? String(last.id) : null };
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/events',
      summary: 'List events of every pool, oldest first, from a cursor',
      tags: ['events'],
      permission: 'events:read',
      response: EventPageSchema,
      query: page,
      // `Accept: text/event-stream` turns the list into a live stream from the same cursor.
      async handler({ query, request, reply }) {
        if (!wantsEventStream(request)) return list(undefined, query);
        streamsFor(deps).start(request, reply, { after: query.after, reasons: query.reason });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/pools/:name/events',
      summary: "List a pool's events, oldest first, from a cursor",
      tags: ['events'],
      permission: 'events:read',
      response: EventPageSchema,
      params: z.object({ name: z.string() }),
      query: page,
      async handler({ params, query }) {
        if (!(await store.getPool(params.name))) throw notFound('pool', params.name);
        return list(params.name, query);
      },
    }),
  ];
}
