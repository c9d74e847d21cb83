import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { parseConfig } from '../../config/load.js';
import { AwsProviderSchema } from './registration.js';
import { isProviderError } from '../provider.js';
import { AwsProvider } from './aws-provider.js';
import { buildAwsProvider } from './build.js';

const doc = readFileSync(new URL('../../../docs/providers/aws.md', import.meta.url), 'utf8');
const firstYaml = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;

describe('docs/providers/aws.md', () => {
  it('its flotte.yaml is valid and builds an aws provider', () => {
    const parsed = parseConfig(firstYaml, 'docs/providers/aws.md');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const cfg = AwsProviderSchema.parse(parsed.applied.providers.ec2);
    expect(cfg).toMatchObject({ region: 'eu-west-1', maxAttempts: 2, market: { onDemandBase: 20, spotPercentage: 70 } });
    expect(buildAwsProvider(cfg, new VirtualClock(), { FLOTTE_JOIN_TOKEN: 'jt' })).toBeInstanceOf(AwsProvider);
  });

  it('refuses to start without the join token in the environment, without printing any token', () => {
    const parsed = parseConfig(firstYaml, 'docs/providers/aws.md');
    if (!parsed.ok) throw new Error('invalid');
    const cfg = AwsProviderSchema.parse(parsed.applied.providers.ec2);
    const e = (() => {
      try {
        buildAwsProvider(cfg, new VirtualClock(), {});
      } catch (err) {
        return err;
      }
    })();
    expect(isProviderError(e, 'invalid')).toBe(true);
    expect((e as Error).message).toContain('FLOTTE_JOIN_TOKEN');
  });

  it('documents every EC2 action the port uses in the IAM policy', () => {
    const port = readFileSync(new URL('./ec2-api.ts', import.meta.url), 'utf8');
    const actions = [...port.matchAll(/new (\w+)Command\(/g)].map((m) => `ec2:${m[1]}`);
    expect(actions).toHaveLength(7);
    for (const a of actions) expect(doc).toContain(`"${a}"`);
  });
});
