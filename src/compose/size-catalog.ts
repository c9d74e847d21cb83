import type { Clock } from '../clock/clock.js';
import type { EnvSizes } from '../domain/environments/settings.js';
import type { Provider } from '../providers/provider.js';

/** Flavors change when an operator adds one, not by the minute: one describe per provider this often. */
export const SIZE_CATALOG_TTL_MS = 10 * 60_000;

/**
 * The sizes the configured clouds describe (Nova's flavors), merged, for environment quotas
 * where `environments.sizes` says nothing. Cached per process; a cloud that does not answer
 * keeps its last answer (none at first) and is asked again at the next check, so a quota check
 * never waits on a failing cloud for longer than one call, and a size nobody describes is
 * refused by name as before.
 */
export function sizeCatalog(providers: ReadonlyMap<string, Pick<Provider, 'sizes'>>, clock: Clock, ttlMs = SIZE_CATALOG_TTL_MS): () => Promise<EnvSizes> {
  const cache = new Map<string, { at: number; sizes: EnvSizes }>();
  return async () => {
    const now = clock.now();
    const out: EnvSizes = {};
    for (const [name, p] of providers) {
      if (!p.sizes) continue;
      let hit = cache.get(name);
      if (!hit || now - hit.at >= ttlMs) {
        // A failure is not cached: the next check asks again, and meanwhile the last answer stands.
        const sizes = await p.sizes().catch(() => undefined);
        if (sizes) cache.set(name, (hit = { at: now, sizes }));
      }
      Object.assign(out, hit?.sizes ?? {});
    }
    return out;
  };
}
