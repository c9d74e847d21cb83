import { failingOfferings, type OfferingFailure } from '../domain/health.js';
import { offeringKey } from '../domain/plan.js';
import { CAPACITY_BACKOFF_MS } from './constants.js';

/**
 * The one memory of zone/size pairs a provider could not supply lately (capacity errors at
 * launch, replacements that keep failing in health's back-off), each skipped until its time
 * runs out. Providers keep none of their own, and health keeps no list of its own either: two
 * memories with the same TTL drift apart, and the one expiring later refuses the retry the
 * other allowed, without asking the cloud. Serves the plan (`of`), the launches (`sizesIn`,
 * handed to the provider) and health (`strike`, `backOff`).
 */
export class UnavailableOfferings {
  /** `provider/zone/size` → time until which it is skipped. */
  private readonly until = new Map<string, number>();
  /** Pool → replacements that failed before they were ever ready, by offering: the evidence `backOff` weighs. */
  private readonly strikes = new Map<string, OfferingFailure[]>();

  constructor(private readonly ttlMs = CAPACITY_BACKOFF_MS) {}

  mark(provider: string, zone: string, size: string, now: number): void {
    this.markOffering(provider, offeringKey(zone, size), now);
  }

  /** The same for a `zone/size` key, as health's back-off names offerings. */
  markOffering(provider: string, offering: string, now: number): void {
    this.until.set(`${provider}/${offering}`, now + this.ttlMs);
  }

  /** The provider's offerings skipped at `now`, as `zone/size` keys (the plan's `unavailable`). */
  of(provider: string, now: number): Set<string> {
    const out = new Set<string>();
    const prefix = `${provider}/`;
    for (const [key, until] of this.until) {
      if (until <= now) this.until.delete(key);
      else if (key.startsWith(prefix)) out.add(key.slice(prefix.length));
    }
    return out;
  }

  /** Sizes of one zone skipped at `now`. */
  sizesIn(provider: string, zone: string, now: number): string[] {
    const prefix = `${zone}/`;
    return [...this.of(provider, now)].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  /** A replacement of `pool` in `offering` (`zone/size`) failed before it was ever ready. */
  strike(pool: string, offering: string, now: number): void {
    const list = this.strikes.get(pool) ?? [];
    list.push({ key: offering, at: now });
    this.strikes.set(pool, list);
  }

  /**
   * The pool's offerings whose replacements failed too often within `windowMs` (its health
   * policy's brake window): marked unavailable for `provider`, their strikes spent, and returned
   * so the caller can say so. Strikes older than the window are dropped.
   */
  backOff(pool: string, provider: string, windowMs: number, now: number): Set<string> {
    const list = (this.strikes.get(pool) ?? []).filter((f) => now - f.at <= windowMs);
    this.strikes.set(pool, list);
    const keys = failingOfferings(list, windowMs, now);
    if (keys.size > 0) this.strikes.set(pool, list.filter((f) => !keys.has(f.key)));
    for (const key of keys) this.markOffering(provider, key, now);
    return keys;
  }

  get ttlMinutes(): number {
    return this.ttlMs / 60_000;
  }
}
