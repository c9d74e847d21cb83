import type { Store } from './store.js';

/** How long one probe's answer stands: load balancers may ask many times a second. */
export const WRITE_PROBE_TTL_MS = 1_000;

/**
 * Whether the store takes writes, found by committing one (`Store.probeWrite`), cached for
 * WRITE_PROBE_TTL_MS so readiness checks cost at most one small write a second. Callers
 * asking at once share one probe.
 */
export class WriteProbe {
  private last: { at: number; problem: string | undefined } | undefined;
  private inFlight: Promise<string | undefined> | undefined;

  constructor(
    private readonly store: Pick<Store, 'probeWrite'>,
    private readonly now: () => number,
    private readonly ttlMs = WRITE_PROBE_TTL_MS,
  ) {}

  /** Undefined when the store took the write, else why not, in words for /readyz. */
  async problem(): Promise<string | undefined> {
    const now = this.now();
    if (this.last && now - this.last.at < this.ttlMs) return this.last.problem;
    this.inFlight ??= this.store.probeWrite(now).then(
      () => undefined,
      (e: unknown) => `store does not take writes: ${(e as Error).message}${(e as { code?: string }).code ? ` (${(e as { code?: string }).code})` : ''}`,
    );
    try {
      const problem = await this.inFlight;
      this.last = { at: now, problem };
      return problem;
    } finally {
      this.inFlight = undefined;
    }
  }
}
