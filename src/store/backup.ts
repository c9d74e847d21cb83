import { chmodSync, closeSync, existsSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { Refusal } from '../domain/refusal.js';
import { checkStateFile, checkStateFileHeader, asStoreDamaged, StoreDamaged } from './state-file.js';

/** What a state file holds, in the words of a person deciding whether to replace it. */
export interface StateSummary {
  path: string;
  bytes: number;
  pools: number;
  /** Machines not yet gone. */
  machines: number;
  /** When the newest config was applied (epoch ms), if any was. */
  configAppliedAt: number | undefined;
}

/** More pages than any flotte store has: the whole copy is one step, so one consistent snapshot. */
const ALL_PAGES = 2 ** 31 - 1;
const SIDE_FILES = ['-wal', '-shm'] as const;

/** Opens a flotte store file that must exist and be sound; `role` words the refusal for a backup file. */
function openSound(path: string, role: 'state' | 'backup'): SQLite.Database {
  try {
    if (!checkStateFileHeader(path)) throw new Refusal(role === 'backup' ? `${path} does not exist: name a file \`flotte backup\` wrote` : `${path} does not exist: nothing to back up (pass the --data-dir or --database flotte runs with)`, role === 'backup' ? 2 : 1);
  } catch (e) {
    throw role === 'backup' && e instanceof StoreDamaged ? new Refusal(`${path} is not a flotte backup: it ${e.problem}`, 2) : e;
  }
  const db = new SQLite(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    checkStateFile(path, db);
    return db;
  } catch (e) {
    db.close();
    const damaged = asStoreDamaged(path, e);
    throw role === 'backup' && damaged instanceof StoreDamaged ? new Refusal(`${path} is not a flotte backup: it ${damaged.problem}`, 2) : damaged;
  }
}

function summarize(path: string, db: SQLite.Database): StateSummary {
  const count = (q: string): number => (db.prepare(q).get() as { n: number }).n;
  const applied = (db.prepare('select max(applied_at) as at from config').get() as { at: number | null }).at;
  return {
    path,
    bytes: statSync(path).size,
    pools: count('select count(*) as n from pools'),
    machines: count("select count(*) as n from machines where state != 'gone'"),
    configAppliedAt: applied ?? undefined,
  };
}

/** Reads what a sound flotte store file holds (no write, no migration). */
export function describeStateFile(path: string, role: 'state' | 'backup' = 'state'): StateSummary {
  const db = openSound(path, role);
  try {
    return summarize(path, db);
  } finally {
    db.close();
  }
}

/**
 * Copies the store at `statePath` to `dest` with SQLite's online backup, safe while a flotte
 * runs on it: the copy is taken in one step, a single read snapshot, which in WAL mode never
 * blocks the running flotte's writes. The file is created 0600 (it holds join tokens), written
 * under a temporary name and checked before it takes its name, so `dest` is never half a backup.
 */
export async function backupStateFile(statePath: string, dest: string, opts: { force?: boolean } = {}): Promise<StateSummary> {
  if (existsSync(dest) && !opts.force) throw new Refusal(`${dest} already exists: choose another file, or pass --force to overwrite it`, 2);
  const source = openSound(statePath, 'state');
  const partial = `${dest}.partial-${process.pid}`;
  try {
    closeSync(openSync(partial, 'w', 0o600));
    await source.backup(partial, { progress: () => ALL_PAGES });
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    source.close();
  }
  try {
    chmodSync(partial, 0o600);
    const summary = describeStateFile(partial, 'backup');
    renameSync(partial, dest);
    return { ...summary, path: dest };
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

export interface RestorePlan {
  backup: StateSummary;
  /** What the restore replaces; undefined when there is no state file yet. */
  current: StateSummary | { path: string; bytes: number; damaged: string } | undefined;
}

/** What `restoreStateFile` would do, for the person to confirm: nothing is changed. */
export function planRestore(backupFile: string, statePath: string): RestorePlan {
  const backup = describeStateFile(backupFile, 'backup');
  if (!existsSync(statePath)) return { backup, current: undefined };
  try {
    return { backup, current: describeStateFile(statePath) };
  } catch (e) {
    if (e instanceof StoreDamaged) return { backup, current: { path: statePath, bytes: statSync(statePath).size, damaged: e.problem } };
    throw e;
  }
}

/**
 * Puts `backupFile` in place of the store at `statePath`. The replaced file (with its WAL
 * folded in, when it can be read) is kept beside it as `<state>.replaced-<at>`, so a restore
 * is never the end of anything. The caller makes sure no flotte runs on `statePath`.
 */
export async function restoreStateFile(backupFile: string, statePath: string, at: number): Promise<{ keptAside: string | undefined }> {
  const from = openSound(backupFile, 'backup');
  const incoming = `${statePath}.restoring-${process.pid}`;
  try {
    closeSync(openSync(incoming, 'w', 0o600));
    await from.backup(incoming, { progress: () => ALL_PAGES });
    chmodSync(incoming, 0o600);
    describeStateFile(incoming, 'backup');
  } catch (e) {
    rmSync(incoming, { force: true });
    throw e;
  } finally {
    from.close();
  }
  let aside: string | undefined;
  if (existsSync(statePath)) {
    foldWal(statePath);
    aside = `${statePath}.replaced-${new Date(at).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(statePath, aside);
    for (const side of SIDE_FILES) if (existsSync(statePath + side)) renameSync(statePath + side, aside + side);
  }
  renameSync(incoming, statePath);
  return { keptAside: aside };
}

/** Commits what the WAL holds into the file itself, so the file kept aside is whole on its own. */
function foldWal(statePath: string): void {
  let db: SQLite.Database | undefined;
  try {
    checkStateFileHeader(statePath);
    db = new SQLite(statePath, { fileMustExist: true });
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // A damaged file is kept aside as it is, its side files with it.
  } finally {
    db?.close();
  }
}
