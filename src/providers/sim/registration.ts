import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { privateDir } from '../../store/data-dir.js';
import { Bucket, bucketsField, ZoneList } from '../config-fields.js';
import type { ActionKind, BucketSpec } from '../provider.js';
import type { ProviderType } from '../provider-type.js';
import { DEFAULT_SIM_OPTIONS } from './options.js';

/** What the sim provider does when a field is left out: the sim owns its defaults; the file adds `persist`. */
export const SIM_DEFAULTS = { ...DEFAULT_SIM_OPTIONS, persist: true } as const;

const D = SIM_DEFAULTS;

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
  buckets: bucketsField(D.buckets),
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
  /** `create` below turns this into a state file under `<dataDir>/sim/` (`.flotte/sim/` by default). */
  persist: z.boolean().default(D.persist),
  /** A `flotte sim serve` URL: every controller process then drives that one shared cloud (HA tests, demos). */
  server: z.url().optional(),
});

export type SimProviderConfig = z.infer<typeof SimProviderSchema>;

// The sim builds its limits straight from these fields.
const _bucketsFit: Record<ActionKind, BucketSpec> = {} as SimProviderConfig['buckets'];
void _bucketsFit;

/** `type: sim`: the in-process simulated cloud, or a shared one behind `server`. */
export const simProvider: ProviderType<'sim', typeof SimProviderSchema> = {
  type: 'sim',
  schema: SimProviderSchema,
  defaults: SIM_DEFAULTS,
  async create(name, cfg, env) {
    const { type: _type, persist, server, ...options } = cfg;
    if (server) {
      const { RemoteSim } = await import('./serve/remote-sim.js');
      return new RemoteSim(server, options, `${hostname()}:${process.pid}`);
    }
    const { SimCloud, simOptions } = await import('./index.js');
    const statePath = persist ? join(env.dataDir, 'sim', `${name}.json`) : undefined;
    if (statePath) privateDir(join(env.dataDir, 'sim'));
    return new SimCloud(simOptions({ ...options, statePath }), env.clock);
  },
};
