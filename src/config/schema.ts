import { z } from 'zod';
import { DELETION_ORDERS } from '../domain/types.js';
import { Name, ZoneList } from '../providers/config-fields.js';
import { ProviderSchema } from '../providers/registry.js';
import { ScalingSchema } from './scaling-schema.js';
import { HealthSchema } from './health-schema.js';
import { EnvironmentsSchema } from './environments-schema.js';
import { RetentionSchema } from './retention-schema.js';
import { NotificationsSchema } from './notifications-schema.js';

// Each provider's section (schema and defaults) is its own, in src/providers/<type>/registration.ts.
export { NAME_RE } from '../providers/config-fields.js';
export { ProviderSchema, providerZones, type ProviderConfig } from '../providers/registry.js';
export { SIM_DEFAULTS, type SimProviderConfig } from '../providers/sim/registration.js';
export type { AwsProviderConfig } from '../providers/aws/registration.js';

/** A POSIX login name, safe in the ssh command `flotte env connect` prints. */
export const SSH_USER_RE = /^[a-z_][a-z0-9_.-]{0,31}$/;

/** The ownership tag value: matched exactly when adopting machines. */
export const CLUSTER_RE = /^[a-z0-9-]{1,63}$/;

const StringMap = z.record(z.string(), z.string());

export const TemplateSchema = z.strictObject({
  provider: Name,
  image: z.string().min(1),
  /** Shorthand for `sizes: [size]`; exactly one of the two is given. */
  size: z.string().min(1).optional(),
  sizes: z.array(z.string().min(1)).min(1).optional(),
  /** Defaults to the provider's zones, if it has any. */
  zones: ZoneList.optional(),
  userData: z.string().optional(),
  tags: StringMap.default({}),
  /**
   * The login of the image, for the ssh command `flotte env connect` prints. Left out, it is
   * `ubuntu` (DEFAULT_SSH_USER), the login of Ubuntu's cloud images; others differ (Amazon
   * Linux `ec2-user`, Debian `debian`, CirrOS `cirros`), so an image that is not Ubuntu names its own.
   * Not defaulted here: a default would give every stored template a new version.
   */
  sshUser: z.string().regex(SSH_USER_RE).optional(),
});

export const PoolSchema = z.strictObject({
  template: Name,
  min: z.int().min(0),
  max: z.int().min(0),
  /** Defaults to min. */
  desired: z.int().min(0).optional(),
  /** A subset of the template's zones; empty means all of them. */
  zones: ZoneList.default([]),
  labels: StringMap.default({}),
  maxLaunching: z.int().min(1).default(200),
  deletionOrder: z.enum(DELETION_ORDERS).default('oldest-first'),
  /** Share of the healthy machines one change (scale-in, apply) may terminate per minute without `--allow-destroy`; default 0.5, 1 turns the guard off. */
  blastRadius: z.number().gt(0).max(1).optional(),
  /** Autoscaling: see scaling-schema.ts. */
  scaling: ScalingSchema.optional(),
  /** Health, replacement and drain: see health-schema.ts. */
  health: HealthSchema.optional(),
});

export const FleetConfigSchema = z.strictObject({
  cluster: z.string().regex(CLUSTER_RE).default('flotte'),
  providers: z.record(Name, ProviderSchema).default({}),
  templates: z.record(Name, TemplateSchema).default({}),
  pools: z.record(Name, PoolSchema).default({}),
  /** Developer environments: see environments-schema.ts. */
  environments: EnvironmentsSchema.optional(),
  /** How long flotte keeps events, decisions and audit records: see retention-schema.ts. */
  retention: RetentionSchema.optional(),
  /** Webhooks that chosen events are sent to: see notifications-schema.ts. */
  notifications: NotificationsSchema.optional(),
});

export type TemplateConfig = z.infer<typeof TemplateSchema>;
export type PoolConfig = z.infer<typeof PoolSchema>;
export type FleetConfig = z.infer<typeof FleetConfigSchema>;
