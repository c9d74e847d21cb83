import type { Kysely } from 'kysely';
import type { PoolSpec, Template } from '../domain/types.js';
import type { Database } from './database.js';
import { canonicalJson, parseJson } from './json.js';
import { isPostgres } from './migrations/dialect.js';
import { listPools, toPool, writePools } from './pools-repo.js';
import type { AppliedConfig, AppliedConfigRecord, ApplyState } from './store.js';

type TemplateContent = Omit<Template, 'name' | 'version'>;
type StoredDocument = Pick<AppliedConfig, 'providers' | 'templates' | 'pools' | 'settings'>;

export async function applyConfig(db: Kysely<Database>, config: AppliedConfig, now: number, check?: (before: ApplyState) => void): Promise<PoolSpec[]> {
  return db.transaction().execute(async (trx) => {
    if (check) check(await applyState(trx));
    const document: StoredDocument = { providers: config.providers, templates: config.templates, pools: config.pools, ...(config.settings ? { settings: config.settings } : {}) };
    await trx
      .insertInto('config')
      .values({ applied_at: now, cluster: config.cluster, source: config.source, document: JSON.stringify(document) })
      .execute();
    for (const template of config.templates) await writeTemplate(trx, template, now);
    await writePools(trx, config.pools, now);
    return listPools(trx);
  });
}

/**
 * The state an apply is planned against. In a transaction on PostgreSQL the pool rows are
 * locked, so a `flotte scale` cannot slip between the check and the write (SQLite runs one
 * write transaction at a time anyway).
 */
export async function applyState(db: Kysely<Database>): Promise<ApplyState> {
  let pools = db.selectFrom('pools').selectAll().orderBy('name');
  if (db.isTransaction && isPostgres(db as Kysely<unknown>)) pools = pools.forUpdate();
  const rows = await pools.execute();
  const counts = await db.selectFrom('machines').select(['pool', (eb) => eb.fn.countAll<number | string>().as('n')]).where('state', '!=', 'gone').groupBy('pool').execute();
  const versions = await db.selectFrom('templates').select(['name', (eb) => eb.fn.max('version').as('version')]).groupBy('name').execute();
  return {
    pools: rows.map(toPool),
    fileDesired: new Map(rows.map((r) => [r.name, r.file_desired])),
    machines: new Map(counts.map((c) => [c.pool, Number(c.n)])),
    config: await currentConfig(db),
    versions: new Map(versions.map((v) => [v.name, Number(v.version)])),
  };
}

/** Stores a new version only when the content differs from the latest one: versions are immutable. */
async function writeTemplate(trx: Kysely<Database>, template: Omit<Template, 'version'>, now: number): Promise<void> {
  const { name, ...rest } = template;
  const content = canonicalJson(withoutUndefined(rest));
  const latest = await trx
    .selectFrom('templates')
    .select(['version', 'content'])
    .where('name', '=', name)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (latest?.content === content) return;
  await trx
    .insertInto('templates')
    .values({ name, version: (latest?.version ?? 0) + 1, content, created_at: now })
    .execute();
}

export async function currentConfig(db: Kysely<Database>): Promise<AppliedConfig | undefined> {
  const row = await db.selectFrom('config').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  return { source: row.source, cluster: row.cluster, ...parseJson<StoredDocument>(row.document) };
}

/** The last applied config as it was stored: its row id (the revision), when, and the YAML as applied. */
export async function appliedConfigRecord(db: Kysely<Database>): Promise<AppliedConfigRecord | undefined> {
  const row = await db.selectFrom('config').select(['id', 'applied_at', 'cluster', 'source']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  return { revision: Number(row.id), appliedAt: Number(row.applied_at), cluster: row.cluster, source: row.source };
}

export async function getTemplate(db: Kysely<Database>, name: string, version?: number): Promise<Template | undefined> {
  let query = db.selectFrom('templates').selectAll().where('name', '=', name);
  query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  return { name: row.name, version: row.version, ...parseJson<TemplateContent>(row.content) };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
