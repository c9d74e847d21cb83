import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * An opaque value that changes whenever committed data changes, from this process or any
 * other, so readers can cache what they derive from the store and still never serve stale data.
 *
 * SQLite: `total_changes()` counts this connection's writes and `data_version` changes when
 * another connection commits. PostgreSQL: the current snapshot (xmin:xmax:in-progress ids)
 * changes whenever any writing transaction starts or ends.
 */
export async function revision(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<string> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ own: number; other: number }>`select total_changes() as own, (select data_version from pragma_data_version) as other`.execute(db);
    return `${rows[0]!.own}.${rows[0]!.other}`;
  }
  const { rows } = await sql<{ snap: string }>`select pg_current_snapshot()::text as snap`.execute(db);
  return rows[0]!.snap;
}

/** Events ever appended per pool and reason (pruned ones included): what `/metrics` reports as counters. */
export async function eventCounts(db: Kysely<Database>): Promise<{ pool: string; reason: string; count: number }[]> {
  const rows = await db.selectFrom('event_counts').selectAll().orderBy('pool').orderBy('reason').execute();
  return rows.map((r) => ({ pool: r.pool, reason: r.reason, count: Number(r.count) }));
}
