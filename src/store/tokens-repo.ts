import { sql, type Kysely, type Selectable } from 'kysely';
import type { ApiToken, AuditRecord, Role } from '../domain/access.js';
import { appendAudit } from './audit-repo.js';
import type { ApiTokensTable, Database } from './database.js';
import { isPostgres } from './migrations/dialect.js';

function toToken(row: Selectable<ApiTokensTable>): ApiToken {
  const t: ApiToken = { id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at, createdBy: row.created_by };
  if (row.expires_at !== null) t.expiresAt = row.expires_at;
  if (row.revoked_at !== null) t.revokedAt = row.revoked_at;
  return t;
}

export async function createToken(db: Kysely<Database>, token: ApiToken, hash: string): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: token.id,
      name: token.name,
      role: token.role,
      hash,
      created_at: token.createdAt,
      expires_at: token.expiresAt ?? null,
      revoked_at: null,
      created_by: token.createdBy,
    })
    .execute();
}

export async function findTokenByHash(db: Kysely<Database>, hash: string): Promise<ApiToken | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
  return row && toToken(row);
}

/** In id order from a cursor; revoked tokens included, so the list says what was revoked. */
export async function listTokens(db: Kysely<Database>, query: { after?: string | undefined; limit?: number | undefined } = {}): Promise<ApiToken[]> {
  let q = db.selectFrom('api_tokens').selectAll().orderBy('id');
  if (query.after !== undefined) q = q.where('id', '>', query.after);
  if (query.limit !== undefined) q = q.limit(query.limit);
  return (await q.execute()).map(toToken);
}

export async function countTokens(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Revoking twice keeps the first time. Undefined when the id is unknown. */
export async function revokeToken(db: Kysely<Database>, id: string, now: number): Promise<ApiToken | undefined> {
  await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toToken(row);
}

/**
 * Creates `token` (an admin token) and its audit record in one transaction, only while no
 * live admin token exists; otherwise changes nothing and returns the live one. Concurrent
 * bootstraps are serialised (PostgreSQL: a transaction-scoped advisory lock; SQLite: one
 * writer at a time), so exactly one of them creates a token.
 */
export async function bootstrapAdminToken(db: Kysely<Database>, token: ApiToken, hash: string, audit: Omit<AuditRecord, 'id'>): Promise<{ created: true } | { created: false; existing: ApiToken }> {
  return db.transaction().execute(async (tx) => {
    if (isPostgres(db as Kysely<unknown>)) await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(tx);
    const live = await tx
      .selectFrom('api_tokens')
      .selectAll()
      .where('role', '=', 'admin')
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', token.createdAt)]))
      .orderBy('created_at')
      .executeTakeFirst();
    if (live) return { created: false as const, existing: toToken(live) };
    await createToken(tx, token, hash);
    await appendAudit(tx, audit);
    return { created: true as const };
  });
}

/** An arbitrary constant naming the bootstrap's advisory lock (`flotte` in ASCII). */
const BOOTSTRAP_LOCK = 0x666c6f747465;
