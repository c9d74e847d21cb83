import type { Kysely } from 'kysely';
import type { PoolSpec, Template } from '../domain/types.js';
import type { Database } from './database.js';
import { canonicalJson, parseJson } from './json.js';
import { listPools, writePools } from './pools-repo.js';
import type { AppliedConfig } from './store.js';

type TemplateContent = Omit<Template, 'name' | 'version'>;
type StoredDocument = Pick<AppliedConfig, 'providers' | 'templates' | 'pools'>;

export async function applyConfig(db: Kysely<Database>, config: AppliedConfig, now: number): Promise<PoolSpec[]> {
  return db.transaction().execute(async (trx) => {
    const document: StoredDocument = { providers: config.providers, templates: config.templates, pools: config.pools };
    await trx
      .insertInto('config')
      .values({ applied_at: now, cluster: config.cluster, source: config.source, document: JSON.stringify(document) })
      .execute();
    for (const template of config.templates) await writeTemplate(trx, template, now);
    await writePools(trx, config.pools, now);
    return listPools(trx);
  });
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
