import type { Machine } from '../../domain/types.js';
import type { OperationMove } from './bulk.js';

/** What bulk operations hold in each pool, asked every tick; synchronous so a tick never waits on it. */
export interface OperationHolds {
  /** Machines an operation works on: never scaled in, never replaced by the controller while held. */
  held(pool: string): ReadonlySet<string>;
  /** Extra machines a replace runs above desired until their old ones are gone. */
  surge(pool: string): number;
  /** Machines a replace has already launched a successor for: if one dies, that successor is its replacement. */
  replacing(pool: string): ReadonlySet<string>;
  /** A template version the pool is pinned to (after a rolled-back replace), or undefined for the latest. */
  templateVersion(pool: string): number | undefined;
}

/**
 * The narrow port bulk operations (src/control/operations/) work through: the controller stays
 * the only writer of machine rows and the only one acting under a pool's lease, and operations
 * see no more of it than this.
 */
export interface BulkPort {
  /** True when this controller acts on `pool` (alone, or holding its lease with its machines loaded). */
  owns(pool: string): boolean;
  /** Runs work on a pool as a tick would: under its lease, fenced, and waited for on handover. */
  underPool<T>(pool: string, work: () => Promise<T>): Promise<T | undefined>;
  /** The pool's machines as the controller holds them. */
  machines(pool: string): Machine[];
  /** Records lifecycle transitions an operation caused (its reboot, stop or start was accepted), with the operation as cause. */
  recordOperationTransition(pool: string, moved: OperationMove): Promise<void>;
  /** Terminates machines for an operation (a replace's old machines, a rolled-back canary) through the controller's own path. */
  terminateForOperation(pool: string, ids: readonly string[], cause: string): Promise<void>;
  /** Lets the operations tell the controller which machines they hold. */
  attachOperations(holds: OperationHolds): void;
}
