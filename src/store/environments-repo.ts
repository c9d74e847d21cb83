import { sql, type ColumnType, type Kysely, type Selectable } from 'kysely';
import type { EnvRole, EnvStatus, Environment } from '../domain/environments/types.js';
import type { PoolSpec } from '../domain/types.js';
import type { Database } from './database.js';
import { parseJson } from './json.js';
import { isPostgres } from './migrations/dialect.js';
import type { Store } from './store.js';

export interface EnvironmentsTable {
  id: string;
  name: string;
  owner: string;
  template: string;
  template_version: number;
  params: string;
  roles: string;
  status: string;
  reason: string | null;
  outputs: string;
  created_at: number;
  ready_at: number | null;
  expires_at: number;
  warned_at: number | null;
  ended_at: number | null;
  /** Migration 0008. */
  idle_since: ColumnType<number | null, number | null | undefined, number | null | undefined>;
}

type Db = Kysely<Database & { environments: EnvironmentsTable }>;

function toEnv(row: Selectable<EnvironmentsTable>): Environment {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    template: row.template,
    templateVersion: row.template_version,
    params: parseJson<Record<string, string>>(row.params),
    roles: parseJson<EnvRole[]>(row.roles),
    status: row.status as EnvStatus,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    outputs: parseJson<Record<string, string>>(row.outputs),
    createdAt: row.created_at,
    ...(row.ready_at !== null ? { readyAt: row.ready_at } : {}),
    expiresAt: row.expires_at,
    ...(row.warned_at !== null ? { warnedAt: row.warned_at } : {}),
    ...(row.ended_at !== null ? { endedAt: row.ended_at } : {}),
    ...(row.idle_since !== null ? { idleSince: row.idle_since } : {}),
  };
}

const mutable = (env: Environment) => ({
  status: env.status,
  reason: env.reason ?? null,
  outputs: JSON.stringify(env.outputs),
  ready_at: env.readyAt ?? null,
  expires_at: env.expiresAt,
  warned_at: env.warnedAt ?? null,
  ended_at: env.endedAt ?? null,
  idle_since: env.idleSince ?? null,
});

/**
 * Environments and the pools they own. Kept beside `Store` rather than in it, so the feature
 * stays in its own files; it writes the `pools` table directly because environment pools are
 * made by the API, not by `flotte apply`.
 */
export class EnvironmentsRepo {
  constructor(private readonly db: Db) {}

  /** The repo on a store's database; every store opened by openStore() has one. */
  static of(store: Store): EnvironmentsRepo {
    const db = (store as { kysely?: Kysely<Database> }).kysely;
    if (!db) throw new Error('this store has no Kysely handle (environments need the KyselyStore)');
    return new EnvironmentsRepo(db as unknown as Db);
  }

  /**
   * Runs an admission (quota check, then a claim or a create) with the repo bound to one
   * transaction, one admission at a time (PostgreSQL: a transaction-scoped advisory lock;
   * SQLite: one writer at a time). Without it, requests arriving together each see the usage
   * before the others and all pass the cap. `work` must read and write only through the
   * repo it is given (on SQLite a query outside the transaction would wait for it forever).
   */
  async admit<T>(work: (repo: EnvironmentsRepo) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      if (isPostgres(this.db as Kysely<unknown>)) await sql`select pg_advisory_xact_lock(${ADMIT_LOCK})`.execute(trx);
      return work(new EnvironmentsRepo(trx));
    });
  }

  /** The environment and its pools in one transaction: the controller sees all roles or none. */
  async create(env: Environment, pools: readonly PoolSpec[], now: number): Promise<void> {
    // Inside an admission the transaction is already open.
    const inTransaction = <T>(work: (trx: Db) => Promise<T>): Promise<T> => (this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work));
    await inTransaction(async (trx) => {
      await trx
        .insertInto('environments')
        .values({ id: env.id, name: env.name, owner: env.owner, template: env.template, template_version: env.templateVersion, params: JSON.stringify(env.params), roles: JSON.stringify(env.roles), created_at: env.createdAt, ...mutable(env) })
        .execute();
      for (const p of pools) {
        await trx
          .insertInto('pools')
          .values({ name: p.name, provider: p.provider, template: p.template, min: p.min, max: p.max, desired: p.desired, file_desired: p.desired, zones: JSON.stringify(p.zones), labels: JSON.stringify(p.labels), max_launching: p.maxLaunching, deletion_order: p.deletionOrder, health: null, scaling: null, updated_at: now })
          .execute();
      }
    });
  }

  async get(id: string): Promise<Environment | undefined> {
    const row = await this.db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toEnv(row);
  }

  /** Newest first; ended ones (destroyed, failed) only when asked. */
  async list(query: { owner?: string | undefined; statuses?: readonly EnvStatus[] | undefined } = {}): Promise<Environment[]> {
    let q = this.db.selectFrom('environments').selectAll();
    if (query.owner !== undefined) q = q.where('owner', '=', query.owner);
    if (query.statuses) q = q.where('status', 'in', [...query.statuses]);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toEnv);
  }

  /** Writes the status, reason, outputs and times; `expected`, when given, must be the stored status (compare-and-set). */
  async update(env: Environment, expected?: EnvStatus): Promise<boolean> {
    let q = this.db.updateTable('environments').set(mutable(env)).where('id', '=', env.id);
    if (expected !== undefined) q = q.where('status', '=', expected);
    const r = await q.executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** Hands a ready warm environment to `env.owner`; false when another request took it first. */
  async claim(env: Environment, warmOwner: string): Promise<boolean> {
    const r = await this.db
      .updateTable('environments')
      .set({ owner: env.owner, name: env.name, ...mutable(env) })
      .where('id', '=', env.id)
      .where('owner', '=', warmOwner)
      .where('status', '=', 'ready')
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** Scales the pools to zero: the controller then terminates their machines. */
  async release(pools: readonly string[]): Promise<void> {
    if (pools.length === 0) return;
    await this.db.updateTable('pools').set({ desired: 0, file_desired: 0 }).where('name', 'in', [...pools]).execute();
  }

  /** Suspends (stops, replacing nothing) or resumes the pools' machines; the controller acts on it. */
  async suspend(pools: readonly string[], suspended: boolean, db: Db = this.db): Promise<void> {
    if (pools.length === 0) return;
    await db.updateTable('pools').set({ suspended: suspended ? 1 : 0 }).where('name', 'in', [...pools]).execute();
  }

  /** Compare-and-set of the status together with the pools' suspension, in one transaction: stop and wake. */
  async updateSuspending(env: Environment, expected: EnvStatus, suspended: boolean): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('environments').set(mutable(env)).where('id', '=', env.id).where('status', '=', expected).executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      await this.suspend(env.roles.map((role) => role.pool), suspended, trx);
      return true;
    });
  }

  async deletePools(pools: readonly string[]): Promise<void> {
    if (pools.length === 0) return;
    await this.db.deleteFrom('pools').where('name', 'in', [...pools]).execute();
  }
}

/** An arbitrary constant naming the admission lock of environments (`envadm` in ASCII). */
const ADMIT_LOCK = 0x656e7661646d;
