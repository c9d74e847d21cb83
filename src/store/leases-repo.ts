import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './database.js';
import { FencedError, type Fence, type LeaseRow, type Member } from './fence.js';
import { isPostgres } from './migrations/dialect.js';

/**
 * The database's clock in epoch ms. Every lease time is read and compared here, never on a
 * controller, so a controller with a skewed or paused clock cannot stretch its own lease.
 */
function dbNow(db: Kysely<Database>): RawBuilder<number> {
  return isPostgres(db as Kysely<unknown>)
    ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : sql<number>`cast((julianday('now') - 2440587.5) * 86400000 as integer)`;
}

/** How long the row of a member that stopped heartbeating stays after it lapsed. */
export const DEAD_MEMBER_KEPT_MS = 10 * 60_000;

/** Refreshes this member's heartbeat and returns every live member (itself included), by id. */
export async function heartbeat(db: Kysely<Database>, id: string, info: Record<string, unknown>, ttlMs: number): Promise<Member[]> {
  const now = dbNow(db);
  await db
    .insertInto('members')
    .values({ id, info: JSON.stringify(info), started_at: now, expires_at: sql<number>`${now} + ${ttlMs}` })
    .onConflict((oc) => oc.column('id').doUpdateSet({ expires_at: sql<number>`${now} + ${ttlMs}` }))
    .execute();
  // A member killed without leaving (kill -9, a lost host) would stay forever: kept a while for
  // whoever looks into what happened, then dropped by the next live member's heartbeat.
  await db.deleteFrom('members').where('expires_at', '<', sql<number>`${now} - ${DEAD_MEMBER_KEPT_MS}`).execute();
  const rows = await db.selectFrom('members').selectAll().where('expires_at', '>', now).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, info: JSON.parse(r.info) as Record<string, unknown>, startedAt: r.started_at, expiresAt: r.expires_at }));
}

export async function leave(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('members').where('id', '=', id).execute();
}

/**
 * Takes the lease if it is free, released or expired (with a new token), or renews it if
 * `holder` still holds it (same token). Undefined while someone else holds it.
 */
export async function acquire(db: Kysely<Database>, name: string, holder: string, ttlMs: number): Promise<Fence | undefined> {
  const now = dbNow(db);
  const row = await db
    .insertInto('leases')
    .values({ name, holder, token: 1, acquired_at: now, expires_at: sql<number>`${now} + ${ttlMs}` })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({
          // A holder whose lease ran out gets a new token too: its older writes may still be in flight.
          token: sql<number>`case when leases.holder = ${holder} and leases.expires_at > ${now} then leases.token else leases.token + 1 end`,
          acquired_at: sql<number>`case when leases.holder = ${holder} and leases.expires_at > ${now} then leases.acquired_at else ${now} end`,
          holder,
          expires_at: sql<number>`${now} + ${ttlMs}`,
        })
        .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.holder', 'is', null), eb('leases.expires_at', '<=', now)])),
    )
    .returning('token')
    .executeTakeFirst();
  return row ? { lease: name, holder, token: Number(row.token) } : undefined;
}

/** Gives the lease back at once (graceful shutdown, rebalancing); a no-op if it was lost already. */
export async function release(db: Kysely<Database>, fence: Fence): Promise<void> {
  await db
    .updateTable('leases')
    .set({ holder: null, expires_at: 0 })
    .where('name', '=', fence.lease)
    .where('holder', '=', fence.holder)
    .where('token', '=', fence.token)
    .execute();
}

/**
 * Passes the lease straight to member `to` under a new token (so `fence`'s late writes are
 * refused), when `fence` is still its live tenure and `to` is a live member: the key is never
 * without a holder while it moves. Anything else releases it, and false says so.
 */
export async function handOver(db: Kysely<Database>, fence: Fence, to: string, ttlMs: number): Promise<boolean> {
  const now = dbNow(db);
  const moved = await db
    .updateTable('leases')
    .set({ holder: to, token: sql<number>`token + 1`, acquired_at: now, expires_at: sql<number>`${now} + ${ttlMs}` })
    .where('name', '=', fence.lease)
    .where('holder', '=', fence.holder)
    .where('token', '=', fence.token)
    .where('expires_at', '>', now)
    .where((eb) => eb.exists(eb.selectFrom('members').select('id').where('id', '=', to).where('expires_at', '>', now)))
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) === 1) return true;
  await release(db, fence);
  return false;
}

/** True while `fence` is the lease's current, unexpired tenure. */
export async function holds(db: Kysely<Database>, fence: Fence): Promise<boolean> {
  const q = db
    .selectFrom('leases')
    .select('token')
    .where('name', '=', fence.lease)
    .where('holder', '=', fence.holder)
    .where('token', '=', fence.token)
    .where('expires_at', '>', dbNow(db));
  // FOR SHARE inside a fenced write's transaction: a takeover (an UPDATE of this row) waits for
  // the write to commit, and a write that starts after the takeover sees the new token.
  const row = await (isPostgres(db as Kysely<unknown>) && db.isTransaction ? q.forShare() : q).executeTakeFirst();
  return row !== undefined;
}

export async function listLeases(db: Kysely<Database>): Promise<LeaseRow[]> {
  const rows = await db.selectFrom('leases').selectAll().select(dbNow(db).as('now')).orderBy('name').execute();
  return rows.map((r) => ({
    name: r.name,
    holder: r.holder ?? undefined,
    token: Number(r.token),
    acquiredAt: Number(r.acquired_at),
    expiresAt: Number(r.expires_at),
    live: r.holder !== null && Number(r.expires_at) > Number(r.now),
  }));
}

/**
 * Runs `write` with the fencing check first in the same transaction: the database refuses it
 * (FencedError, nothing written) unless `fence` is still the lease's live tenure. Without a
 * fence (single-controller SQLite, `flotte up`) the write runs as it is.
 */
export async function fenced<T>(db: Kysely<Database>, fence: Fence | undefined, write: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (!fence) return write(db);
  try {
    return await db.transaction().execute(async (trx) => {
      if (!(await holds(trx, fence))) throw new FencedError(fence);
      return write(trx);
    });
  } catch (e) {
    // A transaction the database ended (this process frozen past the idle-in-transaction
    // timeout, a dropped connection) wrote nothing. If the lease moved on meanwhile, that is a
    // refusal like any other, and the caller must stop acting on it.
    if (!(e instanceof FencedError) && !(await holds(db, fence).catch(() => true))) throw new FencedError(fence);
    throw e;
  }
}
