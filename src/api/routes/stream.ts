import { z } from 'zod';
import { streamsFor } from '../event-stream.js';
import { defineRoute } from '../route.js';
import type { ApiDeps } from '../app.js';
import { EventReasonFilterSchema, EventStreamSchema } from '../contract/index.js';

export function streamRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/events/stream',
      summary:
        'Follow events live as server-sent events; resumes after the Last-Event-ID header (or `after`), from the start without either. A Last-Event-ID that is not an event id is refused (400); one beyond the newest event starts from now on, after a comment saying so and an `id:` line with the newest id',
      tags: ['events'],
      permission: 'events:read',
      response: EventStreamSchema,
      produces: 'text/event-stream',
      query: z.object({ pool: z.string().optional(), after: z.coerce.number().int().nonnegative().optional(), reason: EventReasonFilterSchema.optional() }),
      async handler({ query, request, reply }) {
        streamsFor(deps).start(request, reply, { pool: query.pool, after: query.after, reasons: query.reason });
      },
    }),
  ];
}
