import { sql, type Kysely } from 'kysely';
import type { PruneRule } from '../domain/retention.js';
import type { Database } from './database.js';

/**
 * One bounded step of retention: deletes at most `limit` rows that `rule` lets go and returns
 * how many went. Each statement finds its rows through an index (`at`, the id for the events'
 * row cap, (status, updated_at) for notification deliveries) under a LIMIT, so a step costs about the same with a thousand rows or with
 * fifty million, and never holds the database for long.
 */
export async function pruneBatch(db: Kysely<Database>, rule: PruneRule, limit: number): Promise<number> {
  switch (rule.table) {
    case 'events': {
      const old = await deleteOldest(db, 'events', 'at', rule.before, limit);
      if (old >= limit) return old;
      // The row cap counts ids: every id up to the newest minus the cap goes, so at most
      // `keepNewest` rows stay, the newest, found with one index lookup instead of a count.
      const newest = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
      const cut = Number(newest?.id ?? 0) - rule.keepNewest;
      return cut > 0 ? old + (await deleteOldest(db, 'events', 'id', cut + 1, limit - old)) : old;
    }
    case 'decisions':
      return deleteOldest(db, 'scaling_decisions', 'at', rule.before, limit);
    case 'audit':
      return deleteOldest(db, 'audit', 'at', rule.before, limit);
    case 'heartbeats': {
      // One row per machine, replaced by each beat: what is left to delete is the rows of machines that are gone.
      const doomed = db
        .selectFrom('agents')
        .leftJoin('machines', 'machines.id', 'agents.machine')
        .select('agents.machine')
        .where((eb) => eb.or([eb('machines.state', '=', 'gone'), eb.and([eb('machines.id', 'is', null), eb('agents.last_at', '<', rule.silentBefore)])]))
        .limit(limit);
      const r = await db.deleteFrom('agents').where('machine', 'in', doomed).executeTakeFirst();
      return Number(r.numDeletedRows);
    }
    case 'deliveries': {
      // One status at a time: each statement reads the (status, updated_at) index in order and
      // stops at its LIMIT, where both at once would sort every settled row to find the oldest.
      let deleted = 0;
      for (const status of ['dead', 'delivered'] as const) {
        if (deleted >= limit) break;
        const settled = db.selectFrom('notification_deliveries').select('id').where('status', '=', status).where('updated_at', '<', rule.before).orderBy('updated_at').limit(limit - deleted);
        const r = await db.deleteFrom('notification_deliveries').where('id', 'in', settled).executeTakeFirst();
        deleted += Number(r.numDeletedRows);
      }
      return deleted;
    }
    case 'pushedMetrics': {
      // One row per pool and metric: the table is small by nature, so a walk over it to find
      // the pools the store no longer has costs little. A pool removed from the file stays in
      // the store until it is drained and deleted, and may be listed again before: its samples stay until then.
      const r = await sql`delete from pushed_metrics where (pool, metric) in (select s.pool, s.metric from pushed_metrics s where not exists (select 1 from pools p where p.name = s.pool) limit ${limit})`.execute(db);
      return Number(r.numAffectedRows ?? 0n);
    }
  }
}

/** Deletes up to `limit` rows of `table` whose `column` is below `bound`, lowest first. */
async function deleteOldest(db: Kysely<Database>, table: 'events' | 'scaling_decisions' | 'audit', column: 'at' | 'id', bound: number, limit: number): Promise<number> {
  const t = sql.table(table);
  const c = sql.ref(column);
  const r = await sql`delete from ${t} where id in (select id from ${t} where ${c} < ${bound} order by ${c} limit ${limit})`.execute(db);
  return Number(r.numAffectedRows ?? 0n);
}
