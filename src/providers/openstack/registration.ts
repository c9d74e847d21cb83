import { z } from 'zod';
import { bucketsField } from '../config-fields.js';
import type { ProviderType } from '../provider-type.js';
import { INTERFACES } from './cloud-auth.js';
import { OPENSTACK_DEFAULTS as D } from './options.js';

/**
 * `type: openstack`: a Nova cloud named in clouds.yaml (or OS_CLOUD, or the OS_* variables).
 * Credentials never live here: flotte.yaml is stored and shown by the API, clouds.yaml and
 * secure.yaml are not. Templates give the flavor (`size`/`sizes`) and the image, by name or id.
 */
export const OpenStackProviderSchema = z.strictObject({
  type: z.literal('openstack'),
  /** Entry of clouds.yaml; without it OS_CLOUD, then the OS_* variables, are used. */
  cloud: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  interface: z.enum(INTERFACES).optional(),
  /** Network name or id, `none` (no NIC) or `auto` (Nova picks the project's network). */
  network: z.string().min(1).default(D.network),
  keyName: z.string().min(1).optional(),
  securityGroups: z.array(z.string().min(1)).default([]),
  /** Server group id; create it with the policy wanted (anti-affinity to spread hosts). */
  serverGroup: z.string().min(1).optional(),
  zones: z.array(z.string().min(1)).min(1).default([...D.zones]),
  maxInFlight: z.int().min(1).max(500).default(D.maxInFlight),
  launchPerCall: z.int().min(1).max(1000).default(D.launchPerCall),
  pageSize: z.int().min(1).max(1000).default(D.pageSize),
  buckets: bucketsField(D.buckets),
  changesSince: z.boolean().default(D.changesSince),
  fullListSeconds: z.number().min(1).default(D.fullListSeconds),
  caCert: z.string().min(1).optional(),
  insecure: z.boolean().optional(),
});

export type OpenStackProviderConfig = z.infer<typeof OpenStackProviderSchema>;

/** `type: openstack`: the cloud resolves from this process's clouds.yaml and OS_* variables. */
export const openStackProvider: ProviderType<'openstack', typeof OpenStackProviderSchema> = {
  type: 'openstack',
  schema: OpenStackProviderSchema,
  defaults: D,
  async create(_name, cfg, env) {
    const { connectOpenStack } = await import('./connect.js');
    const { type: _type, ...options } = cfg;
    return connectOpenStack(options, env.clock).provider;
  },
};
