import { z } from 'zod';
import { DELETION_ORDERS } from '../domain/types.js';
import type { ActionKind, BucketSpec } from '../providers/provider.js';
import { ScalingSchema } from './scaling-schema.js';
import { HealthSchema, LocalProviderSchema } from './health-schema.js';
import { DEFAULT_SIM_OPTIONS } from '../providers/sim/options.js';
import { OpenStackProviderSchema } from './openstack-schema.js';
import { EnvironmentsSchema } from './environments-schema.js';
import { RetentionSchema } from './retention-schema.js';

/** Names of providers, templates and pools: they end up in tags, URLs and file names. */
export const NAME_RE = /^[a-z][a-z0-9-]{0,62}$/;
/** The ownership tag value: matched exactly when adopting machines. */
export const CLUSTER_RE = /^[a-z0-9-]{1,63}$/;

const Name = z.string().regex(NAME_RE);
const StringMap = z.record(z.string(), z.string());

const ZoneList = z.array(z.string().min(1)).superRefine((zones, ctx) => {
  zones.forEach((zone, i) => {
    if (zones.indexOf(zone) !== i) {
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: `zone "${zone}" is listed twice`,
        params: { hint: 'list each zone once' },
      });
    }
  });
});

const Bucket = z.strictObject({ capacity: z.number().positive(), refillPerSecond: z.number().min(0) });

const SecondsRange = z
  .strictObject({ min: z.number().min(0), max: z.number().min(0) })
  .superRefine((r, ctx) => {
    if (r.min > r.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['min'],
        message: `min (${r.min}) is greater than max (${r.max})`,
        params: { hint: 'set min ≤ max' },
      });
    }
  });

const IsoTime = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

const Outage = z
  .strictObject({ from: IsoTime, to: IsoTime })
  .superRefine((o, ctx) => {
    if (o.from >= o.to) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'the outage ends before it starts',
        params: { hint: 'set to later than from' },
      });
    }
  });

/** What the sim provider does when a field is left out: the sim owns its defaults; the file adds `persist`. */
export const SIM_DEFAULTS = { ...DEFAULT_SIM_OPTIONS, persist: true } as const;

const D = SIM_DEFAULTS;

export const SimProviderSchema = z.strictObject({
  type: z.literal('sim'),
  seed: z.int().default(D.seed),
  zones: ZoneList.min(1).default([...D.zones]),
  bootSeconds: SecondsRange.default({ ...D.bootSeconds }),
  rebootSeconds: SecondsRange.default({ ...D.rebootSeconds }),
  terminateSeconds: z.number().min(0).default(D.terminateSeconds),
  launchFailureRate: z.number().min(0).max(1).default(D.launchFailureRate),
  deathRatePerHour: z.number().min(0).default(D.deathRatePerHour),
  /** Most machines a zone holds; zones not listed are unbounded. */
  zoneCapacity: z.record(z.string(), z.int().min(0)).default({}),
  /** Windows in which every call fails as `unavailable`; ISO times in the file, epoch ms here. */
  outages: z.array(Outage).default([]),
  buckets: z
    .strictObject({
      describe: Bucket.default({ ...D.buckets.describe }),
      mutate: Bucket.default({ ...D.buckets.mutate }),
      launch: Bucket.default({ ...D.buckets.launch }),
    })
    .prefault({}),
  instanceBuckets: z
    .strictObject({
      launch: Bucket.default({ ...D.instanceBuckets.launch }),
      terminate: Bucket.default({ ...D.instanceBuckets.terminate }),
    })
    .prefault({}),
  idsPerCall: z.int().min(1).default(D.idsPerCall),
  launchPerCall: z.int().min(1).default(D.launchPerCall),
  pageSize: z.int().min(1).default(D.pageSize),
  listDelayMs: z.number().min(0).default(D.listDelayMs),
  throttleShare: z.number().min(0).max(1).default(D.throttleShare),
  /** A test option: launches ignore their idempotency token, as a cloud that forgets ClientToken would. */
  forgetClientToken: z.boolean().default(D.forgetClientToken),
  /** The composition root turns this into a state file under `.flotte/sim/`. */
  persist: z.boolean().default(D.persist),
  /** A `flotte sim-server` URL: every controller process then drives that one shared cloud (HA tests, demos). */
  server: z.url().optional(),
});

/** EC2 launch settings; the same fields may be overridden per template under `templates`. */
const AwsLaunchSettings = {
  /** A launch template by id or name; `image: launch-template` in the flotte template keeps its AMI. */
  launchTemplate: z.strictObject({ id: z.string().min(1).optional(), name: z.string().min(1).optional(), version: z.string().min(1).optional() }).optional(),
  /** Zone → subnet id: one subnet per zone, launches spread over them. */
  subnets: z.record(z.string().min(1), z.string().min(1)).optional(),
  securityGroupIds: z.array(z.string().min(1)).optional(),
  keyName: z.string().min(1).optional(),
  /** Instance profile name, or its ARN. */
  iamInstanceProfile: z.string().min(1).optional(),
  blockDevices: z.array(z.strictObject({ deviceName: z.string().min(1), volumeSize: z.int().min(1), volumeType: z.string().optional(), encrypted: z.boolean().optional() })).optional(),
  /** An on-demand base per pool, then this share of the rest on Spot. */
  market: z.strictObject({ onDemandBase: z.int().min(0).default(0), spotPercentage: z.number().min(0).max(100).default(0) }).optional(),
  /**
   * Generate cloud-init user-data that installs and starts `flotte agent`. The join token is
   * read from the environment variable named here, never from this file.
   */
  agent: z.strictObject({ server: z.url(), joinTokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).default('FLOTTE_JOIN_TOKEN'), packageSpec: z.string().min(1).default('flotte') }).optional(),
};

export const AwsProviderSchema = z.strictObject({
  type: z.literal('aws'),
  region: z.string().min(1),
  /** Another EC2 endpoint: `flotte sim serve`, LocalStack, a VPC endpoint. */
  endpoint: z.url().optional(),
  /** SDK attempts per call (adaptive retry mode); flotte's limiter retries above it. */
  maxAttempts: z.int().min(1).max(10).default(2),
  /** The zones templates may name; empty leaves them unchecked. */
  zones: ZoneList.default([]),
  ...AwsLaunchSettings,
  templates: z.record(Name, z.strictObject(AwsLaunchSettings)).default({}),
});

/** Adding a provider type: write its schema above and add it to this list. */
export const ProviderSchema = z.discriminatedUnion('type', [LocalProviderSchema, SimProviderSchema, AwsProviderSchema, OpenStackProviderSchema]);

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
});

export type SimProviderConfig = z.infer<typeof SimProviderSchema>;
export type AwsProviderConfig = z.infer<typeof AwsProviderSchema>;
export type ProviderConfig = z.infer<typeof ProviderSchema>;
export type TemplateConfig = z.infer<typeof TemplateSchema>;
export type PoolConfig = z.infer<typeof PoolSchema>;
export type FleetConfig = z.infer<typeof FleetConfigSchema>;

/** The zones a provider declares, or none when it lets the cloud pick (templates then name them). */
export function providerZones(provider: ProviderConfig): string[] {
  return 'zones' in provider ? provider.zones : [];
}

// The sim provider builds its limits straight from these fields.
const _bucketsFit: Record<ActionKind, BucketSpec> = {} as SimProviderConfig['buckets'];
void _bucketsFit;
