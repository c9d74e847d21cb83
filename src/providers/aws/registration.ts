import { z } from 'zod';
import { Name, ZoneList } from '../config-fields.js';
import type { ProviderType } from '../provider-type.js';

export const AWS_DEFAULTS = { maxAttempts: 2, zones: [] as string[], joinTokenEnv: 'FLOTTE_JOIN_TOKEN', packageSpec: 'flotte' } as const;

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
  agent: z.strictObject({ server: z.url(), joinTokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).default(AWS_DEFAULTS.joinTokenEnv), packageSpec: z.string().min(1).default(AWS_DEFAULTS.packageSpec) }).optional(),
};

export const AwsProviderSchema = z.strictObject({
  type: z.literal('aws'),
  region: z.string().min(1),
  /** Another EC2 endpoint: `flotte sim serve`, LocalStack, a VPC endpoint. */
  endpoint: z.url().optional(),
  /** SDK attempts per call (adaptive retry mode); flotte's limiter retries above it. */
  maxAttempts: z.int().min(1).max(10).default(AWS_DEFAULTS.maxAttempts),
  /** The zones templates may name; empty leaves them unchecked. */
  zones: ZoneList.default([...AWS_DEFAULTS.zones]),
  ...AwsLaunchSettings,
  templates: z.record(Name, z.strictObject(AwsLaunchSettings)).default({}),
});

export type AwsProviderConfig = z.infer<typeof AwsProviderSchema>;

/** `type: aws`: EC2 (or an EC2 face) through the SDK, loaded only when an aws provider is built. */
export const awsProvider: ProviderType<'aws', typeof AwsProviderSchema> = {
  type: 'aws',
  schema: AwsProviderSchema,
  defaults: AWS_DEFAULTS,
  async create(_name, cfg, env) {
    const { buildAwsProvider } = await import('./build.js');
    return buildAwsProvider(cfg, env.clock);
  },
};
