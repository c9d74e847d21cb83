/**
 * Whether a provider answers, as seen from its calls:
 *
 *   answering ──fails for `afterMs`──► unavailable ──one answer──► answering
 *
 * A single failed call is routine (a throttle, a blip): only failure without a break for a
 * while is worth a condition and an event, and each crossing is reported once, not every tick.
 */
export interface Reachability {
  /** The last call that answered. */
  lastOkAt?: number | undefined;
  /** The first failure since the last answer. */
  failingSince?: number | undefined;
  lastError?: string | undefined;
  unavailable: boolean;
}

export const ANSWERING: Reachability = { unavailable: false };

export type ReachabilityChange = 'ProviderUnavailable' | 'ProviderRecovered' | null;

export function noteCall(prev: Reachability, outcome: { ok: true } | { ok: false; error: string }, now: number, afterMs: number): { next: Reachability; change: ReachabilityChange } {
  if (outcome.ok) {
    return { next: { lastOkAt: now, unavailable: false }, change: prev.unavailable ? 'ProviderRecovered' : null };
  }
  const failingSince = prev.failingSince ?? now;
  const unavailable = prev.unavailable || now - failingSince >= afterMs;
  return { next: { ...prev, failingSince, lastError: outcome.error, unavailable }, change: unavailable && !prev.unavailable ? 'ProviderUnavailable' : null };
}
