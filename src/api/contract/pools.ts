import { z } from 'zod';
import { MACHINE_STATES } from '../../domain/lifecycle.js';
import { DELETION_ORDERS } from '../../domain/types.js';
import { ConditionSchema, Iso, Labels, MachineAddressSchema, page } from './common.js';

/** A machine as the API shows it: times as ISO strings, absent ones as null. */
export const MachineSchema = z.strictObject({
  id: z.string(),
  pool: z.string(),
  provider: z.string(),
  zone: z.string(),
  size: z.string(),
  state: z.enum(MACHINE_STATES),
  since: Iso,
  launchedAt: Iso,
  readyAt: Iso.nullable(),
  templateVersion: z.number(),
  replaces: z.string().nullable(),
  protected: z.boolean(),
  labels: Labels,
  /** The one to connect to (private first, then public, then names); null while the provider reports none. */
  address: z.string().nullable(),
  addresses: z.array(MachineAddressSchema),
  /** Why the machine no longer matches its pool (`image ami-1 → ami-2`); absent when it matches. */
  drift: z.array(z.string()).optional(),
});
export type MachineView = z.infer<typeof MachineSchema>;

/** How many machines of a pool are in each state. */
export const StateCountsSchema = z.record(z.enum(MACHINE_STATES), z.number());

/** A pool's spec as the config declared it (policies as written), plus machine counts and conditions. */
export const PoolSummarySchema = z.strictObject({
  name: z.string(),
  provider: z.string(),
  template: z.string(),
  min: z.number(),
  max: z.number(),
  desired: z.number(),
  zones: z.array(z.string()),
  labels: Labels,
  maxLaunching: z.number(),
  deletionOrder: z.enum(DELETION_ORDERS),
  /** Health, replacement and drain policy, as the config declared it. */
  health: z.looseObject({}).optional(),
  blastRadius: z.number().optional(),
  destroyAllowedTo: z.number().optional(),
  /** Autoscaling policies and their metric sources, as the config declared them. */
  scaling: z.looseObject({ policies: z.array(z.looseObject({})), dryRun: z.boolean().optional() }).optional(),
  /** Roll-out of drifted and old machines, budgets and lifetime, as applied (durations in ms). */
  disruption: z.looseObject({}).optional(),
  suspended: z.boolean().optional(),
  /** `shelve`: a suspended pool's machines are shelved, freeing their hosts (Nova). */
  suspendMode: z.enum(['stop', 'shelve']).optional(),
  keepStopped: z.boolean().optional(),
  /** Epoch milliseconds: when an apply dropped the pool (it drains, then goes). */
  removedAt: z.number().optional(),
  ready: z.number(),
  counts: StateCountsSchema,
  conditions: z.array(ConditionSchema),
});
export type PoolSummary = z.infer<typeof PoolSummarySchema>;

export const PoolListSchema = z.strictObject({ items: z.array(PoolSummarySchema), next: z.string().nullable() });
export type PoolList = z.infer<typeof PoolListSchema>;

export const PoolDetailSchema = PoolSummarySchema.extend({ machines: z.array(MachineSchema) });
export type PoolDetail = z.infer<typeof PoolDetailSchema>;

/** A page of a pool's machines; `next` is the last machine's id, the `after` of the following page. */
export const MachinePageSchema = page(MachineSchema);
export type MachinePage = z.infer<typeof MachinePageSchema>;

/** What a manual scale of an autoscaled pool tells the caller; null for pools no autoscaler drives. */
export const AutoscalingNoticeSchema = z.strictObject({ paused: z.boolean(), until: Iso.nullable().optional(), message: z.string() }).nullable();
export type AutoscalingNotice = z.infer<typeof AutoscalingNoticeSchema>;

export const DesiredChangeSchema = z.strictObject({
  name: z.string(),
  min: z.number(),
  max: z.number(),
  desired: z.number(),
  allowDestroy: z.boolean(),
  autoscaling: AutoscalingNoticeSchema,
});
export type DesiredChange = z.infer<typeof DesiredChangeSchema>;

export const AutoscalingPausedSchema = z.strictObject({ pool: z.string(), paused: z.literal(true), until: Iso.nullable() });
export type AutoscalingPaused = z.infer<typeof AutoscalingPausedSchema>;
export const ResumedSchema = z.strictObject({ pool: z.string(), resumed: z.boolean() });
export type Resumed = z.infer<typeof ResumedSchema>;

export const ProtectionSchema = z.strictObject({ id: z.string(), pool: z.string(), protected: z.boolean() });
export type Protection = z.infer<typeof ProtectionSchema>;

/** A minted join token: its secret is shown here once. */
export const JoinTokenSchema = z.strictObject({ pool: z.string(), id: z.string(), token: z.string(), note: z.string() });
export type JoinToken = z.infer<typeof JoinTokenSchema>;
