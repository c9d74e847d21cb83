import { offeringKey } from '../domain/plan.js';
import { CAPACITY_BACKOFF_MS } from './constants.js';

/**
 * The one memory of zone/size pairs a provider could not supply lately (capacity errors at
 * launch, replacements that keep failing in health's back-off), each skipped until its time
 * runs out. Providers keep none of their own: two memories with the same TTL drift apart, and
 * the one expiring later refuses the retry the other allowed, without asking the cloud.
 */
export class UnavailableOfferings {
  /** `provider/zone/size` → time until which it is skipped. */
  private readonly until = new Map<string, number>();

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

  get ttlMinutes(): number {
    return this.ttlMs / 60_000;
  }
}
