import { z } from 'zod';
import { EVENT_REASONS, type EventReason } from '../../domain/event-reasons.js';
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

/**
 * The `reason` query filter: repeated (`?reason=Died&reason=Replaced`) or comma-separated
 * (`?reason=Died,Replaced`), matched exactly against the reason catalog. An unknown name is
 * refused with the valid ones listed, because a typo would otherwise look like "nothing happened".
 */
export const EventReasonFilterSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((given, ctx): EventReason[] => {
    const names = (Array.isArray(given) ? given : [given]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    const unknown = names.filter((n) => !(EVENT_REASONS as readonly string[]).includes(n));
    if (names.length === 0) ctx.addIssue({ code: 'custom', message: `name at least one event reason (valid: ${EVENT_REASONS.join(', ')})` });
    else if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown event reason ${unknown.map((n) => JSON.stringify(n)).join(', ')} (valid: ${EVENT_REASONS.join(', ')})` });
    return names as EventReason[];
  })
  .describe('only events with one of these reasons (exact names, e.g. `Died`): repeat the parameter or separate with commas');

export const EventPageSchema = page(EventSchema);
export type EventPage = z.infer<typeof EventPageSchema>;

/** `text/event-stream`: each message's `data:` is one event as JSON, its `id:` the event id. */
export const EventStreamSchema = z.string().describe('server-sent events; each `data:` line is an Event as JSON, each `id:` its id');
