import { z } from 'zod';
import { Iso } from './common.js';

/** What a push kept: each sample as the autoscaler reads it (`at` defaults to the time of arrival). */
export const PushedSamplesSchema = z.strictObject({
  pool: z.string(),
  accepted: z.number(),
  samples: z.array(z.strictObject({ metric: z.string(), value: z.number(), at: Iso })),
});
export type PushedSamplesView = z.infer<typeof PushedSamplesSchema>;
