import { z } from 'zod';
import { DELETION_ORDERS } from '../domain/types.js';
import { Name, ZoneList } from '../providers/config-fields.js';
import { ProviderSchema } from '../providers/registry.js';
import { ScalingSchema } from './scaling-schema.js';
import { HealthSchema } from './health-schema.js';
import { HooksSchema } from './hooks-schema.js';
import { EnvironmentsSchema } from './environments-schema.js';
import { RetentionSchema } from './retention-schema.js';
import { NotificationsSchema } from './notifications-schema.js';
import { DisruptionSchema, MaxLifetime, RolloutSchema } from './disruption-schema.js';
import { AuthSchema } from './auth-schema.js';

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
  provider: Name.describe('The provider (a key of `providers:`) that makes this template\'s machines.'),
  image: z.string().min(1).describe('Image the machines boot: an AMI id on AWS, an image name or id on OpenStack.'),
  /** Shorthand for `sizes: [size]`; exactly one of the two is given. */
  size: z.string().min(1).optional().describe('Shorthand for `sizes: [size]`; give exactly one of `size` and `sizes`.'),
  sizes: z.array(z.string().min(1)).min(1).optional().describe('Machine sizes (instance types, flavors): the first is preferred, the rest are fall-backs.'),
  /** Defaults to the provider's zones, if it has any. */
  zones: ZoneList.optional().describe("Zones to launch in; defaults to the provider's zones, if it has any."),
  userData: z.string().optional().describe('cloud-init user data, booted beside the flotte agent\'s.'),
  tags: StringMap.default({}).describe('Tags put on every machine, next to the ownership tag.'),
  /**
   * The login of the image, for the ssh command `flotte env connect` prints. Left out, it is
   * `ubuntu` (DEFAULT_SSH_USER), the login of Ubuntu's cloud images; others differ (Amazon
   * Linux `ec2-user`, Debian `debian`, CirrOS `cirros`), so an image that is not Ubuntu names its own.
   * Not defaulted here: a default would give every stored template a new version.
   */
  sshUser: z.string().regex(SSH_USER_RE).optional().describe('Login of the image for the ssh command `flotte env connect` prints; default `ubuntu`.'),
});

export const PoolSchema = z.strictObject({
  template: Name.describe('The template (a key of `templates:`) the pool\'s machines are made from.'),
  min: z.int().min(0).describe('Fewest machines the pool keeps, whatever the autoscaler says.'),
  max: z.int().min(0).describe('Most machines the pool may have.'),
  /** Defaults to min. */
  desired: z.int().min(0).optional().describe('Machines to keep; defaults to min. The autoscaler, when set, moves it between min and max.'),
  /** A subset of the template's zones; empty means all of them. */
  zones: ZoneList.default([]).describe("A subset of the template's zones; empty means all of them."),
  labels: StringMap.default({}).describe('Labels of the pool, shown and filtered on by the API and CLI.'),
  maxLaunching: z.int().min(1).default(200).describe('Machines starting at once, at most.'),
  deletionOrder: z.enum(DELETION_ORDERS).default('oldest-first').describe('Which machines go first on scale-in.'),
  /** Share of the healthy machines one change (scale-in, apply) may terminate per minute without `--allow-destroy`; default 0.5, 1 turns the guard off. */
  blastRadius: z.number().gt(0).max(1).optional().describe('Share of the healthy machines one change (scale-in, apply) may terminate per minute without `--allow-destroy`; default 0.5, 1 turns the guard off.'),
  /** Autoscaling: see scaling-schema.ts. */
  scaling: ScalingSchema.optional().describe('Autoscaling: metrics and the policies that size the pool from them.'),
  /** Health, replacement and drain: see health-schema.ts. */
  health: HealthSchema.optional().describe('Health checks, replacement of unhealthy machines and drain.'),
  /** Lifecycle hooks at launch and at terminate: see hooks-schema.ts. */
  hooks: HooksSchema.optional().describe('Lifecycle hooks: webhooks or agent commands run before a machine serves and before it is terminated.'),
  /** Drift and lifetime replacement, and the budgets that limit it: see disruption-schema.ts. */
  rollout: RolloutSchema.optional(),
  disruption: DisruptionSchema.optional(),
  maxLifetime: MaxLifetime.optional(),
});

export const FleetConfigSchema = z.strictObject({
  cluster: z.string().regex(CLUSTER_RE).default('flotte').describe('Value of the ownership tag every machine carries; machines are adopted only when it matches exactly.'),
  providers: z.record(Name, ProviderSchema).default({}).describe('Where machines come from, by name: each has a `type` (sim, local, aws, openstack).'),
  templates: z.record(Name, TemplateSchema).default({}).describe('How to make a machine, by name.'),
  pools: z.record(Name, PoolSchema).default({}).describe('Groups of machines kept at their desired size, by name.'),
  /** Developer environments: see environments-schema.ts. */
  environments: EnvironmentsSchema.optional().describe('Disposable developer environments: templates, quotas, sizes and prices.'),
  /** How long flotte keeps events, decisions and audit records: see retention-schema.ts. */
  retention: RetentionSchema.optional().describe('How long flotte keeps events, decisions and audit records.'),
  /** Webhooks that chosen events are sent to: see notifications-schema.ts. */
  notifications: NotificationsSchema.optional().describe('Webhooks that chosen events are sent to.'),
  /** People signing in through an OpenID provider: see auth-schema.ts. */
  auth: AuthSchema.optional().describe('How people sign in: an OpenID Connect provider, beside API tokens.'),
});

export type TemplateConfig = z.infer<typeof TemplateSchema>;
export type PoolConfig = z.infer<typeof PoolSchema>;
export type FleetConfig = z.infer<typeof FleetConfigSchema>;
