import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Controller } from '../control/controller.js';
import { Ownership } from '../control/ownership.js';
import { poolLease } from '../store/fence.js';
import type { Store } from '../store/store.js';
import { lockSqliteController, type SqliteLock } from './sqlite-lock.js';

/** Default lease period: a dead controller's pools move within about this plus a third. */
export const LEASE_MS = 10_000;

export interface RoleOptions {
  store: Store;
  /** The --database value: a SQLite path (or undefined for `<dataDir>/state.db`) or a postgres:// URL. */
  database?: string | undefined;
  dataDir: string;
  leaseMs?: number | undefined;
  log: Logger;
  /** Shown in the members table: where to find this controller's /healthz. */
  info?: Record<string, unknown>;
}

/**
 * How a controller process takes its place: on PostgreSQL it joins the members and shares the
 * pools through fenced leases; on SQLite it must be the only one, and takes a lock that says so.
 */
export class ControllerRole {
  readonly ownership: Ownership | undefined;
  private controller: Controller | undefined;
  private lock: SqliteLock | undefined;

  private constructor(private readonly o: RoleOptions) {
    if (o.store.dialect !== 'postgres') {
      const path = o.database ?? join(o.dataDir, 'state.db');
      if (path !== ':memory:') this.lock = lockSqliteController(path);
      return;
    }
    this.ownership = new Ownership({
      store: o.store,
      id: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
      info: { host: hostname(), pid: process.pid, ...o.info },
      leaseMs: o.leaseMs ?? LEASE_MS,
      log: o.log,
      keys: async () => (await o.store.listPools()).map((p) => poolLease(p.name)),
      quiesce: async (key) => this.controller?.quiesce(key.slice('pool:'.length)),
    });
  }

  /** Throws SingleControllerError on SQLite state that already has a controller. */
  static async claim(o: RoleOptions): Promise<ControllerRole> {
    return new ControllerRole(o);
  }

  /**
   * Joins the members and takes a first share. Called once this controller can act (providers
   * built, operations loaded, about to tick): the others start handing it pools the moment it
   * appears, and a pool handed to a controller still starting up would wait for it.
   */
  async join(): Promise<void> {
    await this.ownership?.cycle();
  }

  /** The controller whose in-flight work a handover waits for. */
  attach(controller: Controller): void {
    this.controller = controller;
  }

  /** Keeps the leases fresh until `signal` aborts (nothing to do on SQLite). */
  run(signal: AbortSignal): Promise<void> {
    return this.ownership?.run(signal) ?? Promise.resolve();
  }

  /** Hands every lease back and leaves (or drops the SQLite lock): call after the loop stopped. */
  async release(): Promise<void> {
    await this.ownership?.stop();
    this.lock?.release();
  }
}
