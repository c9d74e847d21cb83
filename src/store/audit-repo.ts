import type { Kysely, Selectable } from 'kysely';
import type { AuditQuery, AuditRecord, Role } from '../domain/access.js';
import type { AuditTable, Database } from './database.js';
import { parseJson } from './json.js';

function toRecord(row: Selectable<AuditTable>): AuditRecord {
  const r: AuditRecord = {
    id: row.id,
    at: row.at,
    actor: row.actor,
    tokenId: row.token_id,
    role: row.role as Role,
    action: row.action,
    params: parseJson<Record<string, unknown>>(row.params),
    status: row.status,
    result: row.result,
    source: row.source,
  };
  if (row.pool !== null) r.pool = row.pool;
  return r;
}

/** Insert only: the audit log has no update path, and only retention deletes (records past `retention.audit.maxAge`). */
export async function appendAudit(db: Kysely<Database>, record: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
  const row = await db
    .insertInto('audit')
    .values({
      at: record.at,
      actor: record.actor,
      token_id: record.tokenId,
      role: record.role,
      action: record.action,
      pool: record.pool ?? null,
      params: JSON.stringify(record.params),
      status: record.status,
      result: record.result,
      source: record.source,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...record, id: row.id };
}

export async function listAudit(db: Kysely<Database>, query: AuditQuery = {}): Promise<AuditRecord[]> {
  let q = db.selectFrom('audit').selectAll();
  if (query.pool !== undefined) q = q.where('pool', '=', query.pool);
  if (query.since !== undefined) q = q.where('at', '>=', query.since);
  if (query.after !== undefined) q = q.where('id', '>', query.after);
  // The newest read backwards on the id, so `flotte audit --limit n` reads n rows, not 400 days of them.
  q = q.orderBy('id', query.newest ? 'desc' : 'asc');
  if (query.limit !== undefined) q = q.limit(query.limit);
  const rows = await q.execute();
  return (query.newest ? rows.reverse() : rows).map(toRecord);
}
