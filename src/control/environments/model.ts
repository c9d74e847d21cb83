import type { Clock } from '../../clock/clock.js';
import type { EnvironmentSettings } from '../../domain/environments/settings.js';
import type { EnvTemplate, Environment } from '../../domain/environments/types.js';
import type { ConfigPort, EventsPort, HeartbeatsPort, MachinesPort, PoolsPort, WithEnvironments } from '../../store/ports.js';

/** What the environment service reads and writes: environments, and their pools' machines and agents. */
export type EnvStore = ConfigPort & PoolsPort & MachinesPort & HeartbeatsPort & EventsPort & WithEnvironments;

/** Who asks: the token's name, and whether its role may act on everyone's environments. */
export interface EnvCaller {
  name: string;
  all: boolean;
}

/** A refusal the API maps to its error catalog; `kind` picks the status. */
export class EnvError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface CreateEnvInput {
  name: string;
  template: string;
  params?: Record<string, string> | undefined;
  ttlMs?: number | undefined;
}

/** What the service's parts share: the store, the clock, the applied settings and the caller-checked read. */
export interface EnvContext {
  readonly store: EnvStore;
  readonly clock: Clock;
  /** The last applied flotte.yaml's `environments:` section, typed when it was applied. */
  settings(): Promise<EnvironmentSettings>;
  templates(): Promise<Map<string, EnvTemplate>>;
  /** Another owner's environment is "not found", not "forbidden": its existence is not the caller's to know. */
  get(caller: EnvCaller, id: string): Promise<Environment>;
}

/** The settings' templates by name, in the file's order. */
export const templatesOf = (settings: EnvironmentSettings): Map<string, EnvTemplate> => new Map(settings.templates.map((t) => [t.name, t]));
