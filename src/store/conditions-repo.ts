import type { Kysely } from 'kysely';
import type { ConditionType, PoolCondition } from '../domain/conditions.js';
import type { Database, PoolConditionsTable } from './database.js';
import { parseJson } from './json.js';
import type { HealingPause } from './store.js';

const toCondition = (r: PoolConditionsTable): PoolCondition => ({
  pool: r.pool,
  type: r.type as ConditionType,
  since: r.since,
  reason: r.reason,
  message: r.message,
  ...(r.until !== null ? { until: r.until } : {}),
  ...(r.data !== null ? { data: parseJson<Record<string, unknown>>(r.data) } : {}),
});

export async function setCondition(db: Kysely<Database>, c: PoolCondition): Promise<void> {
  const row = { since: c.since, reason: c.reason, message: c.message, until: c.until ?? null, data: c.data === undefined ? null : JSON.stringify(c.data) };
  await db
    .insertInto('pool_conditions')
    .values({ pool: c.pool, type: c.type, ...row })
    .onConflict((oc) => oc.columns(['pool', 'type']).doUpdateSet(row))
    .execute();
}

export async function clearCondition(db: Kysely<Database>, pool: string, type: ConditionType): Promise<boolean> {
  const r = await db.deleteFrom('pool_conditions').where('pool', '=', pool).where('type', '=', type).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function listConditions(db: Kysely<Database>, query: { pool?: string | undefined; type?: ConditionType | undefined } = {}): Promise<PoolCondition[]> {
  let q = db.selectFrom('pool_conditions').selectAll();
  if (query.pool !== undefined) q = q.where('pool', '=', query.pool);
  if (query.type !== undefined) q = q.where('type', '=', query.type);
  const rows = await q.orderBy('pool').orderBy('type').execute();
  return rows.map(toCondition);
}

/** The brake's pause is the `HealingPaused` condition; the machines it counted ride in its data. */
export async function setHealingPaused(db: Kysely<Database>, pool: string, pause: HealingPause | null): Promise<void> {
  if (!pause) {
    await clearCondition(db, pool, 'HealingPaused');
    return;
  }
  await setCondition(db, { pool, type: 'HealingPaused', since: pause.at, reason: 'MassFailure', message: pause.reason, data: pause.machines ? { machines: pause.machines } : undefined });
}

export async function listHealingPaused(db: Kysely<Database>): Promise<Map<string, HealingPause>> {
  const out = new Map<string, HealingPause>();
  for (const c of await listConditions(db, { type: 'HealingPaused' })) {
    const machines = c.data?.machines;
    out.set(c.pool, { at: c.since, reason: c.message, ...(Array.isArray(machines) ? { machines: machines as string[] } : {}) });
  }
  return out;
}
