import { z } from 'zod';
import { Iso } from './common.js';

/** One notification delivery as the API shows it (its JSON body left out: `flotte events` shows the event). */
export const DeliverySchema = z.strictObject({
  /** `<event id>-<subscription>`: the `X-Flotte-Delivery` header receivers de-duplicate on. */
  id: z.string(),
  subscription: z.string(),
  kind: z.string(),
  event: z.number(),
  pool: z.string(),
  /** `dead`: in the dead-letter list, its attempts used up. */
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number(),
  /** When a pending delivery is sent next; null once it is delivered or dead. */
  nextAt: Iso.nullable(),
  createdAt: Iso,
  updatedAt: Iso,
  deliveredAt: Iso.optional(),
  lastError: z.string().optional(),
  lastStatus: z.number().optional(),
});
export type DeliveryView = z.infer<typeof DeliverySchema>;

export const DeliveryListSchema = z.strictObject({ items: z.array(DeliverySchema) });
export type DeliveryList = z.infer<typeof DeliveryListSchema>;

/** What `flotte notifications test` got: the receiver's status and the start of its answer, or why nothing came. */
export const TestDeliverySchema = z.strictObject({
  subscription: z.string(),
  url: z.string(),
  delivery: z.string(),
  ok: z.boolean(),
  status: z.number().optional(),
  answer: z.string().optional(),
  error: z.string().optional(),
  ms: z.number(),
});
export type TestDelivery = z.infer<typeof TestDeliverySchema>;
