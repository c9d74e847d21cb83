import { z } from 'zod';
import { ConditionSchema, Iso } from './common.js';

/** An autoscaling decision as the API shows it: times as ISO strings, everything else as decided. */
export const DecisionSchema = z.strictObject({
  id: z.number(),
  pool: z.string(),
  at: Iso,
  current: z.number(),
  recommendation: z.number().optional(),
  desired: z.number(),
  inputs: z.array(z.strictObject({ metric: z.string(), value: z.number().optional(), at: Iso.optional(), problem: z.string().optional() })),
  proposals: z.array(
    z.strictObject({
      policy: z.string(),
      type: z.enum(['target-tracking', 'step', 'schedule']),
      desired: z.number().optional(),
      why: z.string(),
      /** A predictive policy's forecast for `at` (now + lead), the model's value and the actual reading now, and the size it asks for. */
      forecast: z.strictObject({ metric: z.string(), at: Iso, value: z.number(), modelNow: z.number().optional(), actual: z.number().optional(), desired: z.number(), acting: z.boolean() }).optional(),
    }),
  ),
  adjustments: z.array(z.strictObject({ stage: z.enum(['stale-hold', 'stabilization', 'cooldown', 'max-step', 'bounds']), from: z.number(), to: z.number(), why: z.string() })),
  /** Why the pool was held at its size (missing or stale metrics). */
  held: z.string().optional(),
  dryRun: z.boolean(),
  summary: z.string(),
});
export type DecisionView = z.infer<typeof DecisionSchema>;

export const DecisionsPageSchema = z.strictObject({
  pool: z.string(),
  desired: z.number(),
  autoscaling: z.strictObject({ dryRun: z.boolean(), evaluationInterval: z.number(), policies: z.number() }).nullable(),
  conditions: z.array(ConditionSchema),
  items: z.array(DecisionSchema),
  next: z.string().nullable(),
});
export type DecisionsPage = z.infer<typeof DecisionsPageSchema>;
