import type { Clock } from '../../clock/clock.js';
import type { AwsProviderConfig } from './registration.js';
import { ProviderError } from '../provider.js';
import { AwsProvider } from './aws-provider.js';
import { ec2Client } from './ec2-api.js';
import type { AwsProviderOptions, LaunchSettings } from './options.js';

type SettingsConfig = Omit<AwsProviderConfig, 'type' | 'region' | 'endpoint' | 'maxAttempts' | 'zones' | 'templates'>;

/** The join token comes from the environment, so it is never in flotte.yaml, the store or an event. */
function settings(c: SettingsConfig, env: NodeJS.ProcessEnv): LaunchSettings {
  const { agent, ...rest } = c;
  if (!agent) return rest;
  const joinToken = env[agent.joinTokenEnv];
  if (!joinToken) throw new ProviderError('invalid', `aws provider: agent.joinTokenEnv names ${agent.joinTokenEnv}, which is not set`);
  return { ...rest, agent: { server: agent.server, joinToken, packageSpec: agent.packageSpec } };
}

/** Builds the aws provider from its validated config: what the registry's factory (registration.ts) calls. */
export function buildAwsProvider(cfg: AwsProviderConfig, clock: Clock, env: NodeJS.ProcessEnv = process.env): AwsProvider {
  const { type: _t, region, endpoint, maxAttempts, zones: _z, templates, ...launch } = cfg;
  const options: AwsProviderOptions = {
    region,
    endpoint,
    maxAttempts,
    // A non-AWS endpoint (the EC2 face) takes any keys; AWS itself gets the default credential chain.
    ...(endpoint && !endpoint.includes('amazonaws.com') && !env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: 'flotte-sim', secretAccessKey: 'flotte-sim' } } : {}),
    ...settings(launch, env),
    templates: Object.fromEntries(Object.entries(templates).map(([name, t]) => [name, settings(t, env)])),
  };
  return new AwsProvider(ec2Client(options), options, clock);
}
