import type { ActionKind, BucketSpec } from '../provider.js';

/** Everything that shapes a simulated cloud. The config module produces exactly this shape. */
export interface SimCloudOptions {
  seed: number;
  zones: string[];
  /** Boot time, drawn uniformly per machine (also used when a stopped machine starts). */
  bootSeconds: { min: number; max: number };
  rebootSeconds: { min: number; max: number };
  /** Time spent shutting down before `terminated` (and `stopping` before `stopped`). */
  terminateSeconds: number;
  /** Share (0..1) of launched machines that end in `error` instead of `running`. */
  launchFailureRate: number;
  /** Per running machine: deaths come at exponentially drawn times. */
  deathRatePerHour: number;
  /** Most live (not terminated) machines per zone; a missing zone is unlimited. */
  zoneCapacity: Record<string, number>;
  /** Epoch-ms windows during which every call fails as `unavailable`. */
  outages: { from: number; to: number }[];
  /** Request buckets per action kind, counted in calls. */
  buckets: Record<ActionKind, BucketSpec>;
  /** Resource buckets counted in machines; `terminate` also paces stop, `launch` also start. */
  instanceBuckets: { launch: BucketSpec; terminate: BucketSpec };
  idsPerCall: number;
  launchPerCall: number;
  /** Machines per list page; every page costs one describe token. */
  pageSize: number;
  /** A new machine stays invisible to `list` this long (eventual consistency). */
  listDelayMs: number;
  /** Share (0..1) of calls throttled at random: a throttling storm. */
  throttleShare: number;
  /** When set, the whole cloud is saved here atomically before every mutating call returns. */
  statePath?: string | undefined;
  /**
   * A test option: launches ignore their idempotency token (ClientToken), so a re-sent launch
   * makes new machines, as a cloud that forgets tokens would.
   */
  forgetClientToken: boolean;
}

/** EC2-like defaults: request buckets and resource buckets as AWS documents them. */
export const DEFAULT_SIM_OPTIONS: Readonly<SimCloudOptions> = Object.freeze({
  seed: 1,
  zones: ['sim-a', 'sim-b', 'sim-c'],
  bootSeconds: { min: 20, max: 40 },
  rebootSeconds: { min: 30, max: 60 },
  terminateSeconds: 2,
  launchFailureRate: 0,
  deathRatePerHour: 0,
  zoneCapacity: {},
  outages: [],
  buckets: {
    describe: { capacity: 100, refillPerSecond: 20 },
    mutate: { capacity: 200, refillPerSecond: 5 },
    launch: { capacity: 5, refillPerSecond: 2 },
  },
  instanceBuckets: {
    launch: { capacity: 1000, refillPerSecond: 2 },
    terminate: { capacity: 1000, refillPerSecond: 20 },
  },
  idsPerCall: 1000,
  launchPerCall: 1000,
  pageSize: 1000,
  listDelayMs: 0,
  throttleShare: 0,
  forgetClientToken: false,
});

export type SimCloudOptionsInput = Partial<Omit<SimCloudOptions, 'buckets' | 'instanceBuckets'>> & {
  buckets?: Partial<Record<ActionKind, BucketSpec>>;
  instanceBuckets?: Partial<SimCloudOptions['instanceBuckets']>;
};

/** Fills in defaults; bucket maps merge per key so one bucket can be overridden alone. */
export function simOptions(partial: SimCloudOptionsInput = {}): SimCloudOptions {
  const d = DEFAULT_SIM_OPTIONS;
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return {
    ...structuredClone({ ...d }),
    ...defined,
    buckets: { ...d.buckets, ...partial.buckets },
    instanceBuckets: { ...d.instanceBuckets, ...partial.instanceBuckets },
  } as SimCloudOptions;
}
