import { z } from 'zod';
import { CONDITION_TYPES } from '../../domain/conditions.js';
import { ADDRESS_KINDS } from '../../domain/types.js';

/**
 * Shared pieces of the response contract. The schemas describe what the API answers; they
 * document the routes (OpenAPI) and are checked against real answers in tests. Fastify does
 * not serialise with them, so a schema can never change a body.
 */

/** A time as the API writes it: `Date.prototype.toISOString()`. */
export const Iso = z.iso.datetime();

/** A page of a list; `next` is the cursor of the following page, null on the last. */
export const page = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), next: z.string().nullable() });

/** Free-form labels and tags. */
export const Labels = z.record(z.string(), z.string());

/** Where a machine can be reached, as its provider reports it (`network`: the Nova network it sits on). */
export const MachineAddressSchema = z.strictObject({ kind: z.enum(ADDRESS_KINDS), value: z.string(), network: z.string().optional() });

/** Why a pool is not doing what it normally would. */
export const ConditionSchema = z.strictObject({
  type: z.enum(CONDITION_TYPES),
  since: Iso,
  reason: z.string(),
  message: z.string(),
  /** When a timed condition (an autoscaling pause `--for`) ends by itself. */
  until: Iso.optional(),
});
export type ConditionView = z.infer<typeof ConditionSchema>;
