import type { BucketSpec } from '../provider.js';
import type { Interface } from './cloud-auth.js';

/** What shapes an OpenStack provider; the config module's `type: openstack` entry produces it. */
export interface OpenStackOptions {
  /** A clouds.yaml entry; else OS_CLOUD, else the OS_* variables. */
  cloud?: string | undefined;
  /** Overrides the cloud's region_name / interface. */
  region?: string | undefined;
  interface?: Interface | undefined;
  /** Network name or id to attach, `none` for no network, `auto` for Nova's choice. */
  network: string;
  keyName?: string | undefined;
  securityGroups: string[];
  /** Server group id (an anti-affinity group, say) every server joins. */
  serverGroup?: string | undefined;
  /** Availability zones machines may be spread over. */
  zones: string[];
  /** Most requests in flight to one endpoint, across all operations. */
  maxInFlight: number;
  /** Most servers one launch call creates (one POST each, `maxInFlight` at a time). */
  launchPerCall: number;
  /** Servers per servers/detail page. */
  pageSize: number;
  /** flotte's own request pacing: Nova has no API rate limit, so these protect its control plane. */
  buckets: { describe: BucketSpec; mutate: BucketSpec; launch: BucketSpec };
  /** Refresh lists with `changes-since` between full lists. */
  changesSince: boolean;
  /** A full list at least this often, even with `changes-since`. */
  fullListSeconds: number;
  /** Overrides the cloud's TLS settings. */
  caCert?: string | undefined;
  insecure?: boolean | undefined;
}

export const OPENSTACK_DEFAULTS = {
  network: 'none',
  securityGroups: [] as string[],
  zones: ['nova'],
  maxInFlight: 20,
  launchPerCall: 20,
  pageSize: 1000,
  buckets: {
    describe: { capacity: 20, refillPerSecond: 5 },
    mutate: { capacity: 20, refillPerSecond: 5 },
    launch: { capacity: 10, refillPerSecond: 2 },
  },
  changesSince: true,
  fullListSeconds: 60,
} as const;

export type OpenStackOptionsInput = Partial<OpenStackOptions>;

export function openStackOptions(input: OpenStackOptionsInput = {}): OpenStackOptions {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const d = structuredClone(OPENSTACK_DEFAULTS) as unknown as OpenStackOptions;
  return { ...d, ...defined, buckets: { ...d.buckets, ...input.buckets } } as OpenStackOptions;
}
