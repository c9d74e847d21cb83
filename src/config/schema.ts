import { z } from 'zod';
import { DELETION_ORDERS } from '../domain/types.js';
import type { ActionKind, BucketSpec } from '../providers/provider.js';
import { DEFAULT_SIM_OPTIONS } from '../providers/sim/options.js';

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
  /** The composition root turns this into a state file under `.flotte/sim/`. */
  persist: z.boolean().default(D.persist),
});

/** Adding a provider type: write its schema above and add it to this list. */
export const ProviderSchema = z.discriminatedUnion('type', [SimProviderSchema]);

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
});

export const FleetConfigSchema = z.strictObject({
  cluster: z.string().regex(CLUSTER_RE).default('flotte'),
  providers: z.record(Name, ProviderSchema).default({}),
  templates: z.record(Name, TemplateSchema).default({}),
  pools: z.record(Name, PoolSchema).default({}),
});

export type SimProviderConfig = z.infer<typeof SimProviderSchema>;
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
