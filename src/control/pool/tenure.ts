import type { Logger } from 'pino';
import type { Machine, PoolSpec } from '../../domain/types.js';
import { poolLease, type Fence } from '../../store/fence.js';
import { underLease } from '../lease-gate.js';
import type { TickStore } from './tick.js';

/** The part of `Ownership` the controller needs. */
export interface PoolTenures {
  fence(lease: string): Fence | undefined;
  /** A write under the lease was refused. */
  lost(lease: string): void;
}

export interface TenureDeps {
  /** Absent: the controller is alone and holds every pool. */
  ownership?: PoolTenures | undefined;
  store: Pick<TickStore, 'listMachines' | 'holdsLease'>;
  log: Logger;
  /** A pool acquired (or re-acquired under a new token): its rows as its last owner left them. Returns the machines now held. */
  acquired(pool: string, rows: Machine[]): number;
  /** A pool whose lease moved to another controller: that one is its writer now. */
  released(pool: string): void;
}

/**
 * Leases and tenure: which pools this controller acts on, the fencing token it loaded each
 * under, and the reconcile in flight per pool, so a lease is handed back only between ticks.
 */
export class Tenure {
  /** Pool → fencing token its machines were loaded under; a new token means reload. */
  private readonly tokens = new Map<string, number>();
  /** Pool → its work in progress (a reconcile, an operation's step). */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: TenureDeps) {}

  /**
   * The pools this controller holds the lease of (all, when alone). A pool just acquired, or
   * re-acquired under a new token, is reloaded from the store: its last owner wrote there.
   */
  async owned(pools: PoolSpec[]): Promise<PoolSpec[]> {
    const own = this.deps.ownership;
    if (!own) return pools;
    const mine: PoolSpec[] = [];
    for (const spec of pools) {
      const fence = own.fence(poolLease(spec.name));
      if (!fence) continue;
      if (this.tokens.get(spec.name) !== fence.token) {
        const machines = this.deps.acquired(spec.name, await this.deps.store.listMachines({ pool: spec.name }));
        this.tokens.set(spec.name, fence.token);
        this.deps.log.info({ pool: spec.name, token: fence.token, machines }, 'pool acquired: machines loaded');
      }
      mine.push(spec);
    }
    for (const pool of [...this.tokens.keys()]) {
      if (mine.some((p) => p.name === pool)) continue;
      this.tokens.delete(pool);
      this.deps.released(pool);
    }
    return mine;
  }

  /** Runs a pool's work under its lease (writes and provider calls fenced), and remembers it for `quiesce`. */
  run<T>(pool: string, work: () => Promise<T>): Promise<T | undefined> {
    const fence = this.deps.ownership?.fence(poolLease(pool));
    if (this.deps.ownership && !fence) return Promise.resolve(undefined); // lost since the tick began
    const run = fence ? underLease(fence, (f) => this.deps.store.holdsLease(f), work) : work();
    this.inFlight.set(pool, run);
    return run.finally(() => this.inFlight.get(pool) === run && this.inFlight.delete(pool));
  }

  /** True when this controller acts on `pool`: alone, or holding its lease with the pool's machines loaded under it. */
  owns(pool: string): boolean {
    if (!this.deps.ownership) return true;
    const fence = this.deps.ownership.fence(poolLease(pool));
    return fence !== undefined && this.tokens.get(pool) === fence.token;
  }

  /** Resolves once no work on `pool` is running (before its lease is handed back). */
  async quiesce(pool: string): Promise<void> {
    await this.inFlight.get(pool)?.catch(() => undefined);
  }

  /** A refused write under a lost lease: the owner of the leases is told. */
  lost(fence: Fence): void {
    this.deps.ownership?.lost(fence.lease);
  }
}
