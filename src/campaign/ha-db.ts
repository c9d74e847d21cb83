import { randomBytes } from 'node:crypto';
import { Kysely, Migrator, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../store/database.js';
import { KyselyStore } from '../store/kysely-store.js';
import { migrationProvider } from '../store/migrations/index.js';
import { OwnSchemaPostgresDialect } from '../store/pg-introspector.js';
import type { Store } from '../store/store.js';

export const DEFAULT_CAMPAIGN_PG = 'postgres://postgres@127.0.0.1:5432/test';

/** Where an HA campaign finds PostgreSQL: `FLOTTE_CAMPAIGN_PG`, else the local default. */
export function campaignPgUrl(): string {
  return process.env.FLOTTE_CAMPAIGN_PG ?? DEFAULT_CAMPAIGN_PG;
}

/** PostgreSQL could not be reached: the message names the fix. */
export class PgUnreachable extends Error {
  constructor(url: string, cause: unknown) {
    const u = new URL(url);
    super(`the HA campaign needs PostgreSQL, and ${u.hostname}:${u.port || 5432} did not answer (${(cause as Error).message}): start one, or set FLOTTE_CAMPAIGN_PG=postgres://user@host:port/db`, { cause });
    this.name = 'PgUnreachable';
  }
}

const PG_INT8_OID = 20;

/**
 * One HA run's database: a fresh schema (dropped at the end) whose `clock_timestamp()` reads
 * the campaign's virtual time. flotte compares every lease time with the database's clock
 * (leases-repo.ts), so the database must live on the virtual clock too: the schema shadows
 * the built-in function (the search path names `pg_catalog` after it), and the campaign sets
 * the time before anything reads it. flotte's own code and SQL are unchanged.
 */
export interface CampaignDb {
  store: Store;
  schema: string;
  setNow(ms: number): Promise<void>;
  drop(): Promise<void>;
}

export async function openCampaignDb(url = campaignPgUrl(), startMs: number): Promise<CampaignDb> {
  const schema = `flotte_campaign_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (e) {
    await admin.end().catch(() => undefined);
    throw new PgUnreachable(url, e);
  }
  let pool: pg.Pool | undefined;
  try {
    await admin.query(`create schema "${schema}"`);
    await admin.query(`create table "${schema}".campaign_clock (now_ms bigint not null)`);
    await admin.query(`insert into "${schema}".campaign_clock values ($1)`, [startMs]);
    await admin.query(`create function "${schema}".clock_timestamp() returns timestamptz language sql volatile as $$ select pg_catalog.to_timestamp(now_ms / 1000.0) from "${schema}".campaign_clock $$`);
    // As open-store.ts opens PostgreSQL, except for the search path (pg_catalog after the schema).
    pool = new pg.Pool({
      connectionString: url,
      idle_in_transaction_session_timeout: 2_000,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === PG_INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
      },
      // Nothing of a campaign outlives it: commits need not wait for the disk.
      options: `-c search_path=${schema},pg_catalog -c synchronous_commit=off`,
    });
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }) });
    const { error } = await new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true, migrationTableSchema: schema }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    const store = new KyselyStore(db, 'postgres');
    let closed = false;
    // Ctrl-C or a kill ends a long run: the schema goes with it rather than stay on the server.
    const interrupted = (signal: NodeJS.Signals) => {
      void admin
        .query(`drop schema if exists "${schema}" cascade`)
        .catch(() => undefined)
        .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    return {
      store,
      schema,
      setNow: async (ms) => {
        await sql`update campaign_clock set now_ms = ${Math.round(ms)}`.execute(db);
      },
      drop: async () => {
        if (closed) return;
        closed = true;
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
        await store.close().catch(() => undefined);
        await admin.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
        await admin.end().catch(() => undefined);
      },
    };
  } catch (e) {
    await pool?.end().catch(() => undefined);
    await admin.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    throw e;
  }
}
