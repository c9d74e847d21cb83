import { ANSWERING, noteCall, type Reachability } from '../domain/reachability.js';
import type { FleetEvent } from '../domain/types.js';
import type { ConditionsPort, EventWrites } from '../store/ports.js';
import { PROVIDER_UNAVAILABLE_AFTER_MS } from './constants.js';

const iso = (t: number) => new Date(t).toISOString();

/**
 * Whether each provider answers, fed by the controller's list calls. Crossings become the
 * `ProviderUnavailable` condition on the provider's pools and one event each way, so a cloud
 * that refuses connections shows in `flotte pools`, `events` and `explain`, not only in the log.
 */
export class ProviderWatch {
  private readonly seen = new Map<string, Reachability>();
  /** Pools marked unavailable, per provider (a pool added meanwhile is marked too). */
  private readonly marked = new Map<string, Set<string>>();

  constructor(
    private readonly store: ConditionsPort & EventWrites,
    private readonly afterMs = PROVIDER_UNAVAILABLE_AFTER_MS,
  ) {}

  /** Each provider as last seen by this controller. */
  status(): ReadonlyMap<string, Reachability> {
    return this.seen;
  }

  /** Records one call's outcome; returns the events it wrote. */
  async note(provider: string, pools: readonly string[], outcome: { ok: true } | { ok: false; error: string }, now: number): Promise<FleetEvent[]> {
    const prev = this.seen.get(provider);
    const { next, change } = noteCall(prev ?? ANSWERING, outcome, now, this.afterMs);
    this.seen.set(provider, next);
    if (outcome.ok) {
      // The first answer after a start also clears what an earlier controller left marked.
      if (change === 'ProviderRecovered' || prev === undefined) return this.recover(provider, prev, now);
      return [];
    }
    if (!next.unavailable) return [];
    const marked = this.marked.get(provider) ?? new Set<string>();
    this.marked.set(provider, marked);
    const fresh = pools.filter((p) => !marked.has(p));
    if (fresh.length === 0) return [];
    const since = next.failingSince ?? now;
    const message = `provider ${provider} has not answered since ${iso(next.lastOkAt ?? since)}${next.lastOkAt === undefined ? ' (no answer since this controller started)' : ''}: ${outcome.error}; launches, terminations and healing wait until it answers`;
    for (const pool of fresh) {
      await this.store.setCondition({ pool, type: 'ProviderUnavailable', since, reason: 'ProviderUnavailable', message, data: { provider, lastOkAt: next.lastOkAt ?? null } });
      marked.add(pool);
    }
    return this.store.appendEvents(fresh.map((pool) => ({ at: now, pool, reason: 'ProviderUnavailable', message, data: { provider, error: outcome.error } })));
  }

  private async recover(provider: string, prev: Reachability | undefined, now: number): Promise<FleetEvent[]> {
    this.marked.delete(provider);
    const stale = (await this.store.listConditions({ type: 'ProviderUnavailable' })).filter((c) => c.data?.provider === provider);
    if (stale.length === 0) return [];
    const since = prev?.failingSince ?? Math.min(...stale.map((c) => c.since));
    for (const c of stale) await this.store.clearCondition(c.pool, 'ProviderUnavailable');
    const message = `provider ${provider} answers again (unavailable for ${Math.round((now - since) / 1000)} s)`;
    return this.store.appendEvents(stale.map((c) => ({ at: now, pool: c.pool, reason: 'ProviderRecovered', message, data: { provider } })));
  }
}
