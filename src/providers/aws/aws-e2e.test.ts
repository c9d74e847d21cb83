import { describe, vi } from 'vitest';
import { realClock } from '../../clock/clock.js';
import { providerConformance } from '../../../test/support/provider-conformance.js';
import { TEST_TEMPLATE } from '../../../test/support/launch-request.js';
import { AwsProvider } from './aws-provider.js';
import { ec2Client } from './ec2-api.js';

/**
 * Opt-in, against a real AWS account: never in CI. Launches and terminates a few small
 * instances (every one tagged with a throw-away `flotte:cluster`). See docs/providers/aws.md.
 *
 *   FLOTTE_AWS_E2E=1 FLOTTE_AWS_REGION=eu-west-1 FLOTTE_AWS_AMI=ami-… FLOTTE_AWS_SUBNET=subnet-… \
 *   FLOTTE_AWS_ZONE=eu-west-1a [FLOTTE_AWS_TYPE=t3.micro] npx vitest run src/providers/aws/aws-e2e.test.ts
 */
const env = process.env;
const enabled = env.FLOTTE_AWS_E2E === '1';

describe.runIf(enabled)('aws against a real account', () => {
  // Real instances take minutes to boot, stop and start.
  vi.setConfig({ testTimeout: 15 * 60_000, hookTimeout: 5 * 60_000 });
  providerConformance(
    'aws (real EC2)',
    async () => {
      const zone = env.FLOTTE_AWS_ZONE ?? '';
      const size = env.FLOTTE_AWS_TYPE ?? 't3.micro';
      const options = { region: env.FLOTTE_AWS_REGION ?? 'eu-west-1', subnets: { [zone]: env.FLOTTE_AWS_SUBNET ?? '' } };
      return {
        provider: new AwsProvider(ec2Client(options), options, realClock),
        advance: (ms) => realClock.sleep(Math.min(ms, 10_000)),
        cleanup: async () => undefined,
        fixture: { template: { ...TEST_TEMPLATE, name: 'e2e', provider: 'aws', image: env.FLOTTE_AWS_AMI ?? '', sizes: [size], zones: [zone] }, zone, size },
        unknownIds: (n) => Array.from({ length: n }, (_, i) => `i-${(0xf0000000 + i).toString(16).padStart(17, '0')}`),
        settleMs: 10 * 60_000,
      };
    },
    // Capacity cannot be squeezed on a real account; stop/start is tested.
    { squeeze: false, stopStart: true },
  );
});
