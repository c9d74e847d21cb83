import { inTransaction } from './transaction.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { EnvRole, EnvStatus, EnvStop, Environment } from '../domain/environments/types.js';
import type { Database, EnvironmentsTable } from './database.js';
import { parseJson } from './json.js';
import { isPostgres } from './migrations/dialect.js';
import { deletePools, insertPools, releasePools, suspendPools } from './pools-repo.js';
import type { EnvironmentsPort } from './ports.js';

type Db = Kysely<Database>;

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
    ...(row.stops !== null ? { stops: parseJson<EnvStop[]>(row.stops) } : {}),
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
  stops: env.stops?.length ? JSON.stringify(env.stops) : null,
});

/**
 * Environments and the pools they own, on one database handle. Environment pools are made by
 * the API, not by `flotte apply`: their rows are written through the pools repository, in this
 * repository's transaction where the environment and its pools must change together.
 */
export function environmentsRepo(db: Db): EnvironmentsPort {
  return {
    admit: (work) =>
      db.transaction().execute(async (trx) => {
        if (isPostgres(db as Kysely<unknown>)) await sql`select pg_advisory_xact_lock(${ADMIT_LOCK})`.execute(trx);
        return work(environmentsRepo(trx));
      }),

    async create(env, pools, now) {
      // Inside an admission the transaction is already open.
      await inTransaction(db, async (trx) => {
        await trx
          .insertInto('environments')
          .values({ id: env.id, name: env.name, owner: env.owner, template: env.template, template_version: env.templateVersion, params: JSON.stringify(env.params), roles: JSON.stringify(env.roles), created_at: env.createdAt, ...mutable(env) })
          .execute();
        await insertPools(trx, pools, now);
      });
    },

    async get(id) {
      const row = await db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toEnv(row);
    },

    async list(query = {}) {
      let q = db.selectFrom('environments').selectAll();
      if (query.owner !== undefined) q = q.where('owner', '=', query.owner);
      if (query.statuses) q = q.where('status', 'in', [...query.statuses]);
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toEnv);
    },

    async update(env, expected) {
      let q = db.updateTable('environments').set(mutable(env)).where('id', '=', env.id);
      if (expected !== undefined) q = q.where('status', '=', expected);
      const r = await q.executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async claim(env, warmOwner) {
      const r = await db
        .updateTable('environments')
        .set({ owner: env.owner, name: env.name, ...mutable(env) })
        .where('id', '=', env.id)
        .where('owner', '=', warmOwner)
        .where('status', '=', 'ready')
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    release: (pools) => releasePools(db, pools),
    suspend: (pools, suspended) => suspendPools(db, pools, suspended),

    updateSuspending: (env, expected, suspended) =>
      db.transaction().execute(async (trx) => {
        const r = await trx.updateTable('environments').set(mutable(env)).where('id', '=', env.id).where('status', '=', expected).executeTakeFirst();
        if (r.numUpdatedRows === 0n) return false;
        await suspendPools(trx, env.roles.map((role) => role.pool), suspended);
        return true;
      }),

    deletePools: (pools) => deletePools(db, pools),
  };
}

/** An arbitrary constant naming the admission lock of environments (`envadm` in ASCII). */
const ADMIT_LOCK = 0x656e7661646d;
