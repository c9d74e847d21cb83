/**
 * A lease as its holder knows it. Writes that act on shared state carry it; the database
 * refuses the write unless the lease still has this holder and token and has not expired.
 */
export interface Fence {
  /** Lease name: `pool:<name>`, `envset:<name>`, or `controller:singleton`. */
  lease: string;
  holder: string;
  /** Grows by one each time the lease changes hands (or is re-taken after expiring). */
  token: number;
}

/** A live controller, as the heartbeat table shows it. */
export interface Member {
  id: string;
  info: Record<string, unknown>;
  startedAt: number;
  expiresAt: number;
}

export interface LeaseRow {
  name: string;
  holder: string | undefined;
  token: number;
  acquiredAt: number;
  expiresAt: number;
  /** Held and not expired, by the database's clock at the time of reading. */
  live: boolean;
}

/** The database refused a write or a provider call made under a lease that is no longer held. */
export class FencedError extends Error {
  constructor(readonly fence: Fence) {
    super(`lease ${fence.lease} (token ${fence.token}) is no longer held by ${fence.holder}: write refused`);
    this.name = 'FencedError';
  }
}

export const isFenced = (e: unknown): e is FencedError => e instanceof FencedError;

export const poolLease = (pool: string): string => `pool:${pool}`;
