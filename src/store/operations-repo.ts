import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Operation, OperationControl, OperationItem, OperationKind, OperationSpec } from '../domain/operations/types.js';
import type { Database, OperationItemsTable, OperationsTable } from './database.js';
import { chunks, parseJson } from './json.js';
import type { OperationQuery } from './store.js';

/** 11 columns × 500 rows stays under both dialects' bound-parameter limits. */
const ITEM_BATCH = 500;

function toOperation(row: Selectable<OperationsTable>): Operation {
  const spec = parseJson<Omit<OperationSpec, 'kind' | 'pool'>>(row.spec);
  return {
    id: row.id,
    pool: row.pool,
    kind: row.kind as OperationKind,
    strategy: spec.strategy,
    hard: spec.hard,
    ...(spec.origin ? { origin: spec.origin } : {}),
    status: row.status as Operation['status'],
    control: row.control as OperationControl,
    progress: parseJson<Operation['progress']>(row.progress),
    message: row.message,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
  };
}

function toRow(op: Operation): Insertable<OperationsTable> {
  return {
    id: op.id,
    pool: op.pool,
    kind: op.kind,
    status: op.status,
    control: op.control,
    spec: JSON.stringify({ strategy: op.strategy, hard: op.hard, ...(op.origin ? { origin: op.origin } : {}) }),
    progress: JSON.stringify(op.progress),
    message: op.message,
    created_at: op.createdAt,
    updated_at: op.updatedAt,
    finished_at: op.finishedAt ?? null,
  };
}

function toItem(row: Selectable<OperationItemsTable>): OperationItem {
  const item: OperationItem = { operation: row.operation, machine: row.machine, seq: row.seq, zone: row.zone, status: row.status as OperationItem['status'] };
  if (row.sent_at !== null) item.sentAt = row.sent_at;
  if (row.accepted_at !== null) item.acceptedAt = row.accepted_at;
  if (row.done_at !== null) item.doneAt = row.done_at;
  if (row.error !== null) item.error = row.error;
  if (row.intent !== null) item.intent = row.intent;
  if (row.replacement !== null) item.replacement = row.replacement;
  return item;
}

function itemRow(i: OperationItem): Insertable<OperationItemsTable> {
  return {
    operation: i.operation,
    machine: i.machine,
    seq: i.seq,
    zone: i.zone,
    status: i.status,
    sent_at: i.sentAt ?? null,
    accepted_at: i.acceptedAt ?? null,
    done_at: i.doneAt ?? null,
    error: i.error ?? null,
    intent: i.intent ?? null,
    replacement: i.replacement ?? null,
  };
}

export async function createOperation(db: Kysely<Database>, op: Operation, items: readonly OperationItem[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('operations').values(toRow(op)).execute();
    for (const batch of chunks(items, ITEM_BATCH)) await trx.insertInto('operation_items').values(batch.map(itemRow)).execute();
  });
}

export async function getOperation(db: Kysely<Database>, id: string): Promise<Operation | undefined> {
  const row = await db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toOperation(row);
}

export async function listOperations(db: Kysely<Database>, query: OperationQuery = {}): Promise<Operation[]> {
  let q = db.selectFrom('operations').selectAll();
  if (query.pool !== undefined) q = q.where('pool', '=', query.pool);
  if (query.active) q = q.where('status', 'in', ['running', 'paused']);
  q = q.orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (query.limit !== undefined) q = q.limit(query.limit);
  return (await q.execute()).map(toOperation);
}

/** Writes everything but `control`, which belongs to whoever steers the operation. */
export async function updateOperation(db: Kysely<Database>, op: Operation): Promise<void> {
  const { control: _control, id: _id, ...rest } = toRow(op);
  await db.updateTable('operations').set(rest).where('id', '=', op.id).execute();
}

export async function setOperationControl(db: Kysely<Database>, id: string, control: OperationControl, now: number): Promise<Operation | undefined> {
  await db.updateTable('operations').set({ control, updated_at: now }).where('id', '=', id).execute();
  return getOperation(db, id);
}

export async function listOperationItems(db: Kysely<Database>, id: string): Promise<OperationItem[]> {
  const rows = await db.selectFrom('operation_items').selectAll().where('operation', '=', id).orderBy('seq').execute();
  return rows.map(toItem);
}

export async function saveOperationItems(db: Kysely<Database>, items: readonly OperationItem[]): Promise<void> {
  if (items.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const batch of chunks(items, ITEM_BATCH)) {
      await trx
        .insertInto('operation_items')
        .values(batch.map(itemRow))
        .onConflict((oc) =>
          oc.columns(['operation', 'machine']).doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            sent_at: eb.ref('excluded.sent_at'),
            accepted_at: eb.ref('excluded.accepted_at'),
            done_at: eb.ref('excluded.done_at'),
            error: eb.ref('excluded.error'),
            intent: eb.ref('excluded.intent'),
            replacement: eb.ref('excluded.replacement'),
          })),
        )
        .execute();
    }
  });
}

/** How long finished items of a pool's past operations of `kind` took, newest first: the estimates' evidence. */
export async function itemDurations(db: Kysely<Database>, pool: string, kind: OperationKind, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('operation_items as i')
    .innerJoin('operations as o', 'o.id', 'i.operation')
    .select(['i.accepted_at', 'i.done_at'])
    .where('o.pool', '=', pool)
    .where('o.kind', '=', kind)
    .where('i.status', '=', 'done')
    .where('i.accepted_at', 'is not', null)
    .where('i.done_at', 'is not', null)
    .orderBy('i.done_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.done_at! - r.accepted_at!);
}
