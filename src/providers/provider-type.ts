import type { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { Provider } from './provider.js';

/** What building a provider may use from the process that builds it. */
export interface ProviderEnv {
  clock: Clock;
  /** The process's state directory: the sim keeps its persisted cloud there, local its machines. */
  dataDir: string;
}

/**
 * One provider type as flotte.yaml knows it: the `type:` name, the schema of its section, the
 * defaults that schema fills in, and the factory. Each provider folder exports one
 * (`registration.ts`); src/providers/registry.ts lists them and the config schema is built from
 * that list, so config/ imports providers/ and never the other way round.
 */
export interface ProviderType<T extends string, S extends z.ZodType<{ type: T }>> {
  type: T;
  schema: S;
  defaults: Readonly<object>;
  /**
   * Builds the provider from its parsed section. It imports the provider's code when called,
   * so reading or checking a config never loads a cloud SDK.
   */
  create(name: string, cfg: z.output<S>, env: ProviderEnv): Promise<Provider>;
}
