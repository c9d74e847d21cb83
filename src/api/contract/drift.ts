import { z } from 'zod';

/** A live machine that no longer matches its pool, or is due by its lifetime. */
export const DriftedMachineSchema = z.strictObject({
  pool: z.string(),
  machine: z.string(),
  state: z.string(),
  templateVersion: z.number(),
  /** The fields that differ, in words (`image ami-1 → ami-2`); empty when only its lifetime is up. */
  reasons: z.array(z.string()),
  /** Epoch milliseconds at which `maxLifetime` makes it due; null for a pool without a lifetime. */
  lifetimeDueAt: z.number().nullable(),
  /** Its lifetime is up now. */
  expired: z.boolean(),
});

/** Per pool: what it would roll out to, how, and what holds it. */
export const DriftPoolSchema = z.strictObject({
  pool: z.string(),
  templateVersion: z.number(),
  rollout: z.enum(['automatic', 'manual']),
  drifted: z.number(),
  expired: z.number(),
  /** The roll-out running now, if any. */
  operation: z.string().nullable(),
  /** Why voluntary replacement waits (a budget's window), while it does. */
  held: z.string().nullable(),
});

export const DriftListSchema = z.strictObject({ pools: z.array(DriftPoolSchema), machines: z.array(DriftedMachineSchema) });
export type DriftList = z.infer<typeof DriftListSchema>;
