import type { Kysely } from 'kysely';
import type { ScalingDecision } from '../domain/scaling/decision.js';
import type { Database } from './database.js';
import { parseJson } from './json.js';

export interface DecisionQuery {
  pool: string;
  /** Only decisions at or after this time. */
  since?: number | undefined;
  /** Only ids below this (cursor for paging back in time). */
  before?: number | undefined;
  /** Newest first, at most this many (default 20). */
  limit?: number | undefined;
}

export type StoredDecision = ScalingDecision & { id: number };

export async function recordDecision(db: Kysely<Database>, d: ScalingDecision): Promise<StoredDecision> {
  const row = await db
    .insertInto('scaling_decisions')
    .values({
      pool: d.pool,
      at: d.at,
      current: d.current,
      desired: d.desired,
      recommendation: d.recommendation ?? null,
      dry_run: d.dryRun ? 1 : 0,
      held: d.held ? 1 : 0,
      summary: d.summary,
      detail: JSON.stringify(d),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...d, id: row.id };
}

export async function listDecisions(db: Kysely<Database>, q: DecisionQuery): Promise<StoredDecision[]> {
  let sel = db.selectFrom('scaling_decisions').select(['id', 'detail']).where('pool', '=', q.pool);
  if (q.since !== undefined) sel = sel.where('at', '>=', q.since);
  if (q.before !== undefined) sel = sel.where('id', '<', q.before);
  const rows = await sel.orderBy('id', 'desc').limit(q.limit ?? 20).execute();
  return rows.map((r) => ({ ...parseJson<ScalingDecision>(r.detail), id: r.id }));
}
