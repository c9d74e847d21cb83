import type { FencedWrites } from './ports.js';
import type { Store } from './store.js';

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

/**
 * How one write of a fenced port is made under a fence: given the port and a rule that picks the
 * fence from the one the caller passed, the write as callers see it. One entry per method of the
 * port, so a write added to a port without its entry here does not compile.
 */
export type Fencing<P> = { [K in keyof P]-?: (port: P, pick: (given: Fence | undefined) => Fence | undefined) => P[K] };

/** Every fenced write of the store: each passes its fence on last, where the store checks it in the write's transaction. */
const FENCING: Fencing<FencedWrites> = {
  saveMachines: (p, pick) => (machines, fence) => p.saveMachines(machines, pick(fence)),
  createIntent: (p, pick) => (intent, fence) => p.createIntent(intent, pick(fence)),
  setIntentStatus: (p, pick) => (id, status, fence) => p.setIntentStatus(id, status, pick(fence)),
  markIntentSent: (p, pick) => (id, at, fence) => p.markIntentSent(id, at, pick(fence)),
  appendEvents: (p, pick) => (events, fence) => p.appendEvents(events, pick(fence)),
  recordChanges: (p, pick) => (machines, events, fence) => p.recordChanges(machines, events, pick(fence)),
};

/**
 * The store with its fenced writes made under `pick`'s fence, everything else its own: a
 * decorator over the write ports. The result delegates to `store` (its prototype), so reads,
 * other writes and whatever a wrapper underneath adds pass through unchanged.
 */
export function withFencing<S extends FencedWrites>(store: S, pick: (given: Fence | undefined) => Fence | undefined): S {
  const writes = {} as FencedWrites;
  for (const name of Object.keys(FENCING) as (keyof FencedWrites)[]) Object.assign(writes, { [name]: FENCING[name](store, pick) });
  return Object.assign(Object.create(store) as S, writes);
}

/** The store's methods that take a fence as an optional argument. */
type TakesFence<S> = { [K in keyof S]: S[K] extends (...args: infer A) => unknown ? (undefined extends A[number] ? (Fence extends A[number] ? K : never) : never) : never }[keyof S];
type Nothing<T extends never> = T;
/** Fails to compile while a store method takes a fence without being one of the `FencedWrites` decorated above. */
export type EveryFencedWriteDecorated = Nothing<Exclude<TakesFence<Store>, keyof FencedWrites>>;
