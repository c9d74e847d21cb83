import { inTransaction } from './transaction.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { EventReason, FleetEvent } from '../domain/types.js';
import type { Database, EventsTable } from './database.js';
import { chunks, parseJson } from './json.js';
import type { EventQuery } from './store.js';

const INSERT_BATCH = 1_000;

function toEvent(row: Selectable<EventsTable>): FleetEvent {
  const event: FleetEvent = { id: row.id, at: row.at, pool: row.pool, reason: row.reason as EventReason, message: row.message };
  if (row.machine !== null) event.machine = row.machine;
  if (row.data !== null) event.data = parseJson<Record<string, unknown>>(row.data);
  return event;
}

/**
 * Ids come from the database in VALUES order within one statement on both dialects; sorting
 * the returned ids (RETURNING's row order is not promised) pairs them with the input.
 */
export async function appendEvents(db: Kysely<Database>, events: readonly Omit<FleetEvent, 'id'>[]): Promise<FleetEvent[]> {
  if (events.length === 0) return [];
  return inTransaction(db, async (trx) => {
    const stored: FleetEvent[] = [];
    for (const batch of chunks(events, INSERT_BATCH)) {
      const rows = await trx
        .insertInto('events')
        .values(
          batch.map((e) => ({
            at: e.at,
            pool: e.pool,
            machine: e.machine ?? null,
            reason: e.reason,
            message: e.message,
            data: e.data === undefined ? null : JSON.stringify(e.data),
          })),
        )
        .returning('id')
        .execute();
      const ids = rows.map((r) => r.id).sort((a, b) => a - b);
      batch.forEach((e, i) => stored.push({ ...withoutUndefined(e), id: ids[i]! }));
    }
    await countEvents(trx, events);
    return stored;
  });
}

/**
 * Adds the appended events to their per-pool, per-reason totals in the append's transaction.
 * Rows are upserted in key order, so two appends touching the same totals never deadlock.
 */
async function countEvents(trx: Kysely<Database>, events: readonly Omit<FleetEvent, 'id'>[]): Promise<void> {
  const totals = new Map<string, { pool: string; reason: string; count: number }>();
  for (const e of events) {
    const key = JSON.stringify([e.pool, e.reason]);
    const t = totals.get(key);
    if (t) t.count++;
    else totals.set(key, { pool: e.pool, reason: e.reason, count: 1 });
  }
  const rows = [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
  for (const batch of chunks(rows, INSERT_BATCH)) {
    await trx
      .insertInto('event_counts')
      .values(batch)
      .onConflict((oc) => oc.columns(['pool', 'reason']).doUpdateSet({ count: sql<number>`event_counts.count + excluded.count` }))
      .execute();
  }
}

export async function listEvents(db: Kysely<Database>, query: EventQuery = {}): Promise<FleetEvent[]> {
  // `IN ()` is not SQL; no reason asked for matches nothing, as the query's contract says.
  if (query.reasons?.length === 0) return [];
  let q = db.selectFrom('events').selectAll();
  if (query.pool !== undefined) q = q.where('pool', '=', query.pool);
  if (query.machine !== undefined) q = q.where('machine', '=', query.machine);
  if (query.reasons !== undefined) q = q.where('reason', 'in', query.reasons);
  if (query.after !== undefined) q = q.where('id', '>', query.after);
  // The newest read backwards on the id index, so the last page costs what the first does.
  q = q.orderBy('id', query.newest ? 'desc' : 'asc');
  if (query.limit !== undefined) q = q.limit(query.limit);
  const rows = await q.execute();
  return (query.newest ? rows.reverse() : rows).map(toEvent);
}

export async function latestEventId(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

function withoutUndefined(e: Omit<FleetEvent, 'id'>): Omit<FleetEvent, 'id'> {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as Omit<FleetEvent, 'id'>;
}
