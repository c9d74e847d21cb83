import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { PRIVATE_DIR, privateFile, secureDataDir } from './data-dir.js';
import { OwnSchemaPostgresDialect } from './pg-introspector.js';
import type { Database } from './database.js';
import { KyselyStore } from './kysely-store.js';
import { migrationProvider } from './migrations/index.js';
import { asStoreDamaged, checkStateFile, checkStateFileHeader, MIGRATION_TABLE, refuseNewer } from './state-file.js';
import { StatementCounts } from './statements.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** Where the default SQLite file goes (`<dataDir>/state.db`); `.flotte` when omitted. */
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (created if missing); a `?schema=` in the URL does the same. */
  schema?: string | undefined;
}

const SQLITE_BUSY_TIMEOUT_MS = 5_000;
const PG_INT8_OID = 20;
/** Well under a lease period (seconds): flotte's transactions never wait on anything but the database. */
const PG_IDLE_IN_TRANSACTION_MS = 2_000;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Opens flotte's state and brings its schema to the latest migration. This is the one place
 * that picks the dialect: a `postgres://` or `postgresql://` URL is PostgreSQL; anything else
 * is a SQLite file path (or `:memory:`), `<dataDir>/state.db` when no URL is given.
 */
export async function openStore(url: string | undefined, opts: OpenStoreOptions = {}): Promise<Store> {
  const isPg = url !== undefined && /^postgres(ql)?:\/\//i.test(url);
  const schema = isPg ? pgSchemaOf(url, opts.schema) : undefined;
  // `flotte up` tightens (and logs) first; `flotte api` and `flotte controller` on the default file get the same dir.
  if (!isPg && url === undefined) secureDataDir(opts.dataDir ?? '.flotte');
  const statements = new StatementCounts();
  const db = isPg ? await openPostgres(url, schema, statements) : openSqlite(url ?? join(opts.dataDir ?? '.flotte', 'state.db'), statements);
  try {
    if (isPg) await refuseNewerSchema(db, url, schema);
    await migrate(db, schema);
    // A migration may have dropped secrets (0011's plaintext join tokens): fold the WAL back and
    // empty it, so their old pages are not left readable in it.
    if (!isPg) await sql`pragma wal_checkpoint(truncate)`.execute(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new KyselyStore(db, isPg ? 'postgres' : 'sqlite', statements);
}

function openSqlite(path: string, statements: StatementCounts): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR });
  // Only a missing file is a new install: anything else must be a sound flotte store.
  const existed = path !== ':memory:' && checkStateFileHeader(path);
  const database = new SQLite(path);
  try {
    if (path !== ':memory:') {
      // Before the first write: SQLite gives the -wal and -shm it makes the mode of the database
      // file, and those left by an older flotte keep the mode they had then.
      for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) privateFile(file);
    }
    // Deleted rows (migration 0011's plaintext tokens) are zeroed in the page being written anyway: no extra I/O.
    database.pragma('secure_delete = FAST');
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.pragma('foreign_keys = ON');
    if (existed) checkStateFile(path, database);
  } catch (e) {
    database.close();
    throw asStoreDamaged(path, e);
  }
  return new Kysely<Database>({ dialect: new StoreSqliteDialect(database), log: statements.observe });
}

const pgSchemaOf = (url: string, option: string | undefined): string | undefined => option ?? new URL(url).searchParams.get('schema') ?? undefined;

async function openPostgres(url: string, schema: string | undefined, statements: StatementCounts): Promise<Kysely<Database>> {
  const parsed = new URL(url);
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);

  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    // A controller frozen (SIGSTOP, a VM pause) inside a fenced write would hold its lease row's
    // lock and block the takeover forever: the server ends such a transaction instead.
    idle_in_transaction_session_timeout: PG_IDLE_IN_TRANSACTION_MS,
    // Times are int8; pg hands those back as strings unless told otherwise, for this pool only.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
    ...(schema !== undefined && { options: `-c search_path=${schema}` }),
  });
  // A connection the server ends (idle-in-transaction timeout after a freeze, a restart, a
  // failover) emits 'error', which would crash the process with no listener. The pool drops an
  // idle one by itself, and the next query on a checked-out one fails, so the caller sees the
  // error where it can act on it: here it only needs to be heard.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  // The migrator reads tables on every open: only this store's schema, so another dropped meanwhile cannot fail it.
  const db = new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }), log: statements.observe });
  if (schema !== undefined) {
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }
  return db;
}

/**
 * A schema migrated by a newer flotte is refused in words, as a SQLite file is (state-file.ts),
 * instead of the migrator's "corrupted migrations". The pool's search_path is the store's schema.
 */
async function refuseNewerSchema(db: Kysely<Database>, url: string, schema: string | undefined): Promise<void> {
  const found = await sql<{ table: string | null }>`select to_regclass(${MIGRATION_TABLE}) as table`.execute(db);
  if (!found.rows[0]?.table) return;
  const applied = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  // Where, without the credentials the URL may carry.
  const { host, pathname } = new URL(url);
  refuseNewer(`the PostgreSQL store ${host}${pathname}${schema ? ` (schema ${schema})` : ''}`, applied.rows.map((r) => r.name), 'docs/backup-and-restore.md');
}

async function migrate(db: Kysely<Database>, schema: string | undefined): Promise<void> {
  // The migration bookkeeping lives in the store's own schema: without this, Kysely finds another
  // schema's tables on the server and skips creating its own. Migrations are applied by name, so
  // one added with a lower number than those already applied still runs.
  const { error } = await new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/**
 * SQLite ends a transaction by itself on some I/O errors (a full disk, a file-size limit): the
 * ROLLBACK Kysely then sends fails with "no transaction is active", and that error would replace
 * the one that tells the API the store failed (503, not 500). Roll back only what is still open.
 */
class StoreSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SQLite.Database) {
    super({ database });
  }

  override createDriver(): Driver {
    const database = this.database;
    return new (class extends SqliteDriver {
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        if (database.inTransaction) await super.rollbackTransaction(connection);
      }
    })({ database: compiledOnce(database) });
  }
}

/** Distinct statements kept compiled; flotte issues a few hundred, `in (?, ?, …)` lists of every length among them. */
const STATEMENT_CACHE = 512;

/**
 * Kysely prepares every query anew, and compiling the SQL was a sixth of a controller tick's
 * time: statements are kept by their text, least recently used dropped first. Reusing one is
 * safe because each runs to its end before the driver returns (flotte streams no query, and
 * SQLite recompiles a kept statement by itself after a migration changes the schema).
 */
function compiledOnce(database: SQLite.Database): SqliteDatabase {
  const kept = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = kept.get(text);
      if (statement) kept.delete(text);
      else statement = database.prepare(text);
      kept.set(text, statement);
      if (kept.size > STATEMENT_CACHE) kept.delete(kept.keys().next().value!);
      return statement;
    },
  };
}
