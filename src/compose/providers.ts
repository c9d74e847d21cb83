import type { Clock } from '../clock/clock.js';
import { leaseGated } from '../control/lease-gate.js';
import { observed, type CallObserver } from '../providers/observed.js';
import type { Provider } from '../providers/provider.js';
import { rateLimited, type RateLimitedProvider } from '../providers/rate-limited.js';
import { createProvider, type ProviderConfig } from '../providers/registry.js';

export interface ProviderDecorations {
  clock: Clock;
  /** Told of each call that reached the cloud (the process's metrics); left out where nobody scrapes (planner, benchmarks). */
  observe?: CallObserver | undefined;
  /** The limiter's jitter source; seeded where a run must repeat (planner, campaign, benchmarks). */
  random?: (() => number) | undefined;
  /**
   * A fault layer (the campaign's frozen controller): it sits right above the lease gate, so a
   * call it holds back is checked against the lease when it finally leaves. Never set in flotte's processes.
   */
  fault?: ((gated: Provider) => Provider) | undefined;
}

/**
 * The one place the decorators around a provider are stacked. Innermost first:
 *
 * 1. `leaseGated`, right against the cloud: a controller's lease is checked in the database
 *    immediately before each request leaves, after any pacing or retry wait below, so one that
 *    lost its lease while it waited never reaches the cloud.
 * 2. `observed`, inside the limiter: it times each chunk and each retry as the cloud answered
 *    it, without the limiter's own waiting, so the latency histogram is the cloud's latency.
 * 3. `rateLimited`, outermost: every caller in the process (controller, operations, API
 *    estimates) shares one request budget per provider; its statistics are what /metrics reads.
 */
export function decorateProvider(inner: Provider, d: ProviderDecorations): RateLimitedProvider {
  const gated = d.fault ? d.fault(leaseGated(inner)) : leaseGated(inner);
  return rateLimited(d.observe ? observed(gated, d.observe) : gated, { clock: d.clock, random: d.random });
}

export interface ProviderWiring extends ProviderDecorations {
  dataDir: string;
}

/** Builds every provider of a config's `providers:` section from the registry, decorated. */
export async function buildProviders(configs: Readonly<Record<string, unknown>>, w: ProviderWiring): Promise<Map<string, RateLimitedProvider>> {
  const providers = new Map<string, RateLimitedProvider>();
  for (const [name, cfg] of Object.entries(configs)) {
    providers.set(name, decorateProvider(await createProvider(name, cfg as ProviderConfig, { clock: w.clock, dataDir: w.dataDir }), w));
  }
  return providers;
}
