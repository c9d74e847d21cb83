import type { Kysely, Selectable } from 'kysely';
import type { ReadinessResult } from '../domain/environments/readiness.js';
import type { AgentHeartbeat } from '../domain/health.js';
import type { AgentsTable, Database } from './database.js';
import { parseJson } from './json.js';
import type { JoinSecret } from './store.js';

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
    ...(row.readiness ? { readiness: parseJson<ReadinessResult>(row.readiness) } : {}),
  };
}

const beatRow = (b: AgentHeartbeat) => ({
    pool: b.pool,
    joined_at: b.joinedAt,
    last_at: b.lastAt,
    busy: b.busy,
    sessions: b.sessions ?? 0,
    available: b.available ? 1 : 0,
    drained: b.drained ? 1 : 0,
    load: JSON.stringify(b.load),
    address: b.address ?? null,
    readiness: b.readiness ? JSON.stringify(b.readiness) : null,
});

/** A heartbeat leaves the credential as the join set it. */
export async function saveHeartbeat(db: Kysely<Database>, b: AgentHeartbeat): Promise<void> {
  const row = beatRow(b);
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

/**
 * An agent's join: its first heartbeat together with the hash of the credential it was just
 * given, replacing any earlier credential of that machine (a re-join after a restart or a restore).
 */
export async function joinAgent(db: Kysely<Database>, b: AgentHeartbeat, credentialHash: string): Promise<void> {
  const row = { ...beatRow(b), credential: credentialHash };
  await db
    .insertInto('agents')
    .values({ machine: b.machine, ...row })
    .onConflict((oc) => oc.column('machine').doUpdateSet(row))
    .execute();
}

/** The machine's credential hash: undefined when it never joined, null when it joined before migration 0011. */
export async function agentCredential(db: Kysely<Database>, machine: string): Promise<{ pool: string; hash: string | null } | undefined> {
  const row = await db.selectFrom('agents').select(['pool', 'credential']).where('machine', '=', machine).executeTakeFirst();
  return row && { pool: row.pool, hash: row.credential };
}

/** Insert-if-absent then read, so two controllers racing on first use agree on one key. */
export async function clusterKey(db: Kysely<Database>, name: string, fresh: string, now: number): Promise<string> {
  await db
    .insertInto('cluster_keys')
    .values({ name, value: fresh, created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (await db.selectFrom('cluster_keys').select('value').where('name', '=', name).executeTakeFirstOrThrow()).value;
}

export async function addJoinSecret(db: Kysely<Database>, s: JoinSecret): Promise<void> {
  await db.insertInto('join_secrets').values({ id: s.id, pool: s.pool, hash: s.hash, kind: s.kind, created_at: s.createdAt, created_by: s.createdBy }).execute();
}

export async function findJoinSecret(db: Kysely<Database>, pool: string, hash: string): Promise<JoinSecret | undefined> {
  const row = await db.selectFrom('join_secrets').selectAll().where('hash', '=', hash).where('pool', '=', pool).executeTakeFirst();
  return row && { id: row.id, pool: row.pool, hash: row.hash, kind: row.kind as JoinSecret['kind'], createdAt: row.created_at, createdBy: row.created_by };
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
