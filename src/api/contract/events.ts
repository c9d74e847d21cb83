import { z } from 'zod';
import { Iso, page } from './common.js';

/** A fleet event as the API shows it (lists and the live stream alike). */
export const EventSchema = z.strictObject({
  id: z.number(),
  at: Iso,
  pool: z.string(),
  machine: z.string().optional(),
  /** One of the fixed reason strings (`Launched`, `Ready`, `ScaledOut`, …); shown as they are. */
  reason: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type EventView = z.infer<typeof EventSchema>;

export const EventPageSchema = page(EventSchema);
export type EventPage = z.infer<typeof EventPageSchema>;

/** `text/event-stream`: each message's `data:` is one event as JSON, its `id:` the event id. */
export const EventStreamSchema = z.string().describe('server-sent events; each `data:` line is an Event as JSON, each `id:` its id');
