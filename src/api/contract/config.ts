import { z } from 'zod';
import { Iso } from './common.js';

const FieldChange = z.strictObject({ field: z.string(), from: z.string(), to: z.string() });
const Change = z.enum(['add', 'change', 'remove']);

/** What an apply changes in one pool. */
export const PoolPlanSchema = z.strictObject({
  pool: z.string(),
  change: Change,
  fields: z.array(FieldChange),
  /** Machines the pool has now. */
  machines: z.number(),
  desired: z.strictObject({ from: z.number(), to: z.number() }),
  launch: z.number(),
  terminate: z.number(),
  /** Needs `allowDestroy`: a removal, or more than half of the pool's machines terminated. */
  destructive: z.boolean(),
});

/** What an apply changes: per pool and per template, with totals. */
export const ApplyPlanSchema = z.strictObject({
  pools: z.array(PoolPlanSchema),
  templates: z.array(z.strictObject({ template: z.string(), change: Change, fields: z.array(FieldChange), version: z.number().optional() })),
  launch: z.number(),
  terminate: z.number(),
  destructive: z.array(PoolPlanSchema),
  /** Other sections of the file that change (providers, notifications, retention…): stored, no machine moves. */
  sections: z.array(z.string()),
});
export type ApplyPlanView = z.infer<typeof ApplyPlanSchema>;

/** The answer of an apply (or its dry run): the plan, in words too, and the pools as stored. */
export const ApplyAnswerSchema = z.strictObject({
  dryRun: z.boolean(),
  applied: z.boolean(),
  plan: ApplyPlanSchema,
  lines: z.array(z.string()),
  pools: z.array(z.strictObject({ name: z.string(), min: z.number(), max: z.number(), desired: z.number() })),
});
export type ApplyAnswer = z.infer<typeof ApplyAnswerSchema>;

/** A config problem as the loader reports it (the `errors` of an `invalid_config` refusal). */
export const ConfigProblemSchema = z.strictObject({
  file: z.string(),
  /** 1-based. */
  line: z.number(),
  /** 1-based. */
  col: z.number(),
  /** Dotted field path, e.g. `pools.analysis.min`; empty for the file as a whole. */
  path: z.string(),
  message: z.string(),
  hint: z.string(),
});
export type ConfigProblem = z.infer<typeof ConfigProblemSchema>;

/**
 * The config flotte runs, as the last apply stored it (the built-in demo's until the first
 * `flotte apply`): what `flotte config show` prints. Unredacted, so only roles that may apply
 * a config may read it: the YAML can hold credentials (passwords in metric source URLs,
 * http-json header values, webhook URLs).
 */
export const StoredConfigSchema = z.strictObject({
  /** The YAML exactly as applied, comments included: `flotte apply -f` takes it back unchanged. */
  source: z.string(),
  cluster: z.string(),
  /** Grows at every apply (on PostgreSQL a refused apply can leave a gap): tells two answers' configs apart. */
  revision: z.number().int().positive(),
  appliedAt: Iso,
});
export type StoredConfig = z.infer<typeof StoredConfigSchema>;
