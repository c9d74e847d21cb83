import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AgentHeartbeat } from '../domain/health.js';
import type { AgentsTable, Database } from './database.js';
import { parseJson } from './json.js';

function toBeat(row: Selectable<AgentsTable>): AgentHeartbeat {
  return {
    machine: row.machine,
    pool: row.pool,
    joinedAt: row.joined_at,
    lastAt: row.last_at,
    busy: row.busy,
    sessions: row.sessions,
    available: row.available !== 0,
    drained: row.drained !== 0,
    load: parseJson<AgentHeartbeat['load']>(row.load),
    ...(row.address !== null ? { address: row.address } : {}),
  };
}

export async function saveHeartbeat(db: Kysely<Database>, b: AgentHeartbeat): Promise<void> {
  const row = {
    pool: b.pool,
    joined_at: b.joinedAt,
    last_at: b.lastAt,
    busy: b.busy,
    sessions: b.sessions ?? 0,
    available: b.available ? 1 : 0,
    drained: b.drained ? 1 : 0,
    load: JSON.stringify(b.load),
    address: b.address ?? null,
  };
  await db
    .insertInto('agents')
    .values({ machine: b.machine, ...row })
    .onConflict((oc) => oc.column('machine').doUpdateSet(row))
    .execute();
}

export async function listHeartbeats(db: Kysely<Database>): Promise<AgentHeartbeat[]> {
  return (await db.selectFrom('agents').selectAll().execute()).map(toBeat);
}

export async function getHeartbeat(db: Kysely<Database>, machine: string): Promise<AgentHeartbeat | undefined> {
  const row = await db.selectFrom('agents').selectAll().where('machine', '=', machine).executeTakeFirst();
  return row && toBeat(row);
}

export async function deleteHeartbeats(db: Kysely<Database>, machines: readonly string[]): Promise<void> {
  if (machines.length > 0) await db.deleteFrom('agents').where('machine', 'in', [...machines]).execute();
}

/** Insert-if-absent then read, so two controllers racing on first use agree on one token. */
export async function joinToken(db: Kysely<Database>, pool: string, now: number): Promise<string> {
  await db
    .insertInto('join_tokens')
    .values({ pool, token: `fjt_${randomBytes(24).toString('base64url')}`, created_at: now })
    .onConflict((oc) => oc.column('pool').doNothing())
    .execute();
  return (await db.selectFrom('join_tokens').select('token').where('pool', '=', pool).executeTakeFirstOrThrow()).token;
}

export async function getJoinToken(db: Kysely<Database>, pool: string): Promise<string | undefined> {
  return (await db.selectFrom('join_tokens').select('token').where('pool', '=', pool).executeTakeFirst())?.token;
}

export async function setProtection(db: Kysely<Database>, machine: string, value: boolean, now: number): Promise<void> {
  const row = { protected: value ? 1 : 0, at: now };
  await db
    .insertInto('protections')
    .values({ machine, ...row })
    .onConflict((oc) => oc.column('machine').doUpdateSet(row))
    .execute();
}

export async function listProtections(db: Kysely<Database>): Promise<Map<string, boolean>> {
  const rows = await db.selectFrom('protections').select(['machine', 'protected']).execute();
  return new Map(rows.map((r) => [r.machine, r.protected !== 0]));
}
