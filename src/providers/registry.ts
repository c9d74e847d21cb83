import { z } from 'zod';
import { awsProvider } from './aws/registration.js';
import { localProvider } from './local/registration.js';
import { openStackProvider } from './openstack/registration.js';
import type { Provider } from './provider.js';
import type { ProviderEnv } from './provider-type.js';
import { simProvider } from './sim/registration.js';

/**
 * A `providers:` entry of flotte.yaml: one of the registered types' sections. Adding a provider
 * type: give its folder a `registration.ts` (type, schema, defaults, factory) and list it here
 * and in `createProvider`. The order is the order error messages list the types in.
 */
export const ProviderSchema = z.discriminatedUnion('type', [localProvider.schema, simProvider.schema, awsProvider.schema, openStackProvider.schema]);

export type ProviderConfig = z.infer<typeof ProviderSchema>;

/** Builds the provider a parsed `providers:` entry describes, undecorated (see src/compose/providers.ts). */
export function createProvider(name: string, cfg: ProviderConfig, env: ProviderEnv): Promise<Provider> {
  switch (cfg.type) {
    case 'local':
      return localProvider.create(name, cfg, env);
    case 'sim':
      return simProvider.create(name, cfg, env);
    case 'aws':
      return awsProvider.create(name, cfg, env);
    case 'openstack':
      return openStackProvider.create(name, cfg, env);
  }
}

/** The zones a provider declares, or none when it lets the cloud pick (templates then name them). */
export function providerZones(provider: ProviderConfig): string[] {
  return 'zones' in provider ? provider.zones : [];
}
