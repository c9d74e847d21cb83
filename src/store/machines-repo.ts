import { inTransaction } from './transaction.js';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { MachineState } from '../domain/lifecycle.js';
import type { Machine, MachineAddress } from '../domain/types.js';
import type { Database, MachinesTable } from './database.js';
import { chunks, parseJson } from './json.js';

/** 15 columns × 500 rows: well under both dialects' bound-parameter limits, and measured fastest on both. */
const UPSERT_BATCH = 500;

function toMachine(row: Selectable<MachinesTable>): Machine {
  const machine: Machine = {
    id: row.id,
    pool: row.pool,
    provider: row.provider,
    zone: row.zone,
    size: row.size,
    state: row.state as MachineState,
    since: row.since,
    launchedAt: row.launched_at,
    templateVersion: row.template_version,
    protected: row.protected !== 0,
    labels: parseJson<Record<string, string>>(row.labels),
    addresses: parseJson<MachineAddress[]>(row.addresses),
  };
  if (row.ready_at !== null) machine.readyAt = row.ready_at;
  if (row.intent !== null) machine.intent = row.intent;
  if (row.replaces !== null) machine.replaces = row.replaces;
  return machine;
}

function toRow(m: Machine): Insertable<MachinesTable> {
  return {
    id: m.id,
    pool: m.pool,
    provider: m.provider,
    zone: m.zone,
    size: m.size,
    state: m.state,
    since: m.since,
    launched_at: m.launchedAt,
    ready_at: m.readyAt ?? null,
    template_version: m.templateVersion,
    intent: m.intent ?? null,
    replaces: m.replaces ?? null,
    protected: m.protected ? 1 : 0,
    labels: JSON.stringify(m.labels),
    addresses: JSON.stringify(m.addresses),
  };
}

export async function listMachines(
  db: Kysely<Database>,
  query: { pool?: string; includeGone?: boolean } = {},
): Promise<Machine[]> {
  let q = db.selectFrom('machines').selectAll();
  if (query.pool !== undefined) q = q.where('pool', '=', query.pool);
  // A literal, not a parameter: the planner uses the partial index `machines_live` only when it can see the query implies it.
  if (!query.includeGone) q = q.where('state', '<>', sql.lit('gone'));
  const rows = await q.orderBy('id').execute();
  return rows.map(toMachine);
}

export async function pageMachines(db: Kysely<Database>, query: { pool: string; after?: string | undefined; limit: number }): Promise<Machine[]> {
  let q = db.selectFrom('machines').selectAll().where('pool', '=', query.pool).where('state', '<>', sql.lit('gone'));
  if (query.after !== undefined) q = q.where('id', '>', query.after);
  const rows = await q.orderBy('id').limit(query.limit).execute();
  return rows.map(toMachine);
}

export async function getMachine(db: Kysely<Database>, id: string): Promise<Machine | undefined> {
  const row = await db.selectFrom('machines').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMachine(row);
}

export async function saveMachines(db: Kysely<Database>, machines: readonly Machine[]): Promise<void> {
  if (machines.length === 0) return;
  await inTransaction(db, async (trx) => {
    for (const batch of chunks(machines, UPSERT_BATCH)) {
      await trx
        .insertInto('machines')
        .values(batch.map(toRow))
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            pool: eb.ref('excluded.pool'),
            provider: eb.ref('excluded.provider'),
            zone: eb.ref('excluded.zone'),
            size: eb.ref('excluded.size'),
            state: eb.ref('excluded.state'),
            since: eb.ref('excluded.since'),
            launched_at: eb.ref('excluded.launched_at'),
            ready_at: eb.ref('excluded.ready_at'),
            template_version: eb.ref('excluded.template_version'),
            intent: eb.ref('excluded.intent'),
            replaces: eb.ref('excluded.replaces'),
            protected: eb.ref('excluded.protected'),
            labels: eb.ref('excluded.labels'),
            addresses: eb.ref('excluded.addresses'),
          })),
        )
        .execute();
    }
  });
}
