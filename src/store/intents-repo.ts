import type { Kysely, Selectable } from 'kysely';
import type { LaunchIntent } from '../domain/types.js';
import type { Database, IntentsTable } from './database.js';
import { parseJson } from './json.js';

function toIntent(row: Selectable<IntentsTable>): LaunchIntent {
  return {
    id: row.id,
    pool: row.pool,
    zone: row.zone,
    size: row.size,
    count: row.count,
    templateVersion: row.template_version,
    createdAt: row.created_at,
    replaces: parseJson<string[]>(row.replaces),
    status: row.status as LaunchIntent['status'],
    sentAt: row.sent_at,
  };
}

export async function createIntent(db: Kysely<Database>, intent: LaunchIntent): Promise<void> {
  await db
    .insertInto('intents')
    .values({
      id: intent.id,
      pool: intent.pool,
      zone: intent.zone,
      size: intent.size,
      count: intent.count,
      template_version: intent.templateVersion,
      created_at: intent.createdAt,
      replaces: JSON.stringify(intent.replaces),
      status: intent.status,
      sent_at: intent.sentAt ?? null,
    })
    .execute();
}

export async function listIntents(
  db: Kysely<Database>,
  query: { pool?: string; status?: LaunchIntent['status'] } = {},
): Promise<LaunchIntent[]> {
  let q = db.selectFrom('intents').selectAll();
  if (query.pool !== undefined) q = q.where('pool', '=', query.pool);
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map(toIntent);
}

export async function markIntentSent(db: Kysely<Database>, id: string, at: number): Promise<void> {
  await db.updateTable('intents').set({ sent_at: at }).where('id', '=', id).execute();
}

export async function setIntentStatus(db: Kysely<Database>, id: string, status: LaunchIntent['status']): Promise<void> {
  await db.updateTable('intents').set({ status }).where('id', '=', id).execute();
}
