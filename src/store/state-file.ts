import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type SQLite from 'better-sqlite3';
import { Refusal } from '../domain/refusal.js';
import { MIGRATIONS } from './migrations/index.js';

/** Every SQLite database file starts with these 16 bytes. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** Kysely's bookkeeping table: its presence is what makes a SQLite file a flotte store. */
/** Kysely's record of the migrations applied to a store. */
export const MIGRATION_TABLE = 'kysely_migration';
/** SQLite's own words for a file it cannot read as a database. */
const DAMAGE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

/**
 * A state file flotte will not run on: empty, cut short, overwritten, or not a flotte store.
 * Starting afresh in its place would forget the fleet while its machines keep running in the
 * cloud, so this is a refusal that says how to get the fleet back or how to let it go.
 */
export class StoreDamaged extends Refusal {
  constructor(
    readonly path: string,
    /** What is wrong with the file, e.g. `is empty (0 bytes)`. */
    readonly problem: string,
  ) {
    super(`${path} ${problem}: restore a backup (\`flotte restore FILE\`), or move the file away to start afresh (the fleet it knew is then forgotten and its machines keep running in the cloud)`, 1);
    this.name = 'StoreDamaged';
  }
}

/**
 * Before SQLite opens `path`: an existing file must at least look like a database. SQLite
 * itself takes an empty file for a new one, which would turn a wiped state file into a
 * brand-new install. Returns whether the file existed (only a missing one is a new install).
 */
export function checkStateFileHeader(path: string): boolean {
  if (!existsSync(path)) return false;
  const size = statSync(path).size;
  if (size === 0) throw new StoreDamaged(path, 'is empty (0 bytes)');
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.equals(SQLITE_HEADER)) throw new StoreDamaged(path, 'is not a SQLite database');
  return true;
}

/**
 * Once open: SQLite's quick check (it reads every page, so it finds a file cut short or
 * scribbled over; see docs/operations.md for what it costs), then flotte's own schema, with no
 * migration this version does not know (a newer flotte wrote it).
 */
export function checkStateFile(path: string, database: SQLite.Database): void {
  const result = String(database.pragma('quick_check(1)', { simple: true }));
  if (result !== 'ok') throw new StoreDamaged(path, `is damaged (SQLite quick_check: ${result})`);
  const hasSchema = database.prepare('select 1 from sqlite_master where type = ? and name = ?').get('table', MIGRATION_TABLE) !== undefined;
  if (!hasSchema) throw new StoreDamaged(path, 'is not a flotte store (no flotte schema in it)');
  refuseNewer(path, appliedMigrations(database), '`flotte restore FILE`');
}

/** A store whose applied migrations this version does not all know was written by a newer flotte: the way back is that version or a backup. */
export function refuseNewer(where: string, applied: readonly string[], restore: string): void {
  const unknown = applied.filter((name) => !(name in MIGRATIONS));
  if (unknown.length) throw new Refusal(`${where} was written by a newer flotte (schema ${unknown.join(', ')} unknown to this version): run that version, or restore a backup this version wrote (${restore})`, 1);
}

/** SQLite's "this is not a readable database", however it surfaced, as a StoreDamaged. */
export function asStoreDamaged(path: string, e: unknown): unknown {
  const code = (e as { code?: string }).code;
  return code !== undefined && DAMAGE_CODES.has(code) ? new StoreDamaged(path, `is damaged (${(e as Error).message})`) : e;
}

/** The schema a flotte store file holds: the names of its applied migrations. */
export function appliedMigrations(database: SQLite.Database): string[] {
  return (database.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as { name: string }[]).map((r) => r.name);
}
