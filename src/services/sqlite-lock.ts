import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import SQLite from 'better-sqlite3';
import { PRIVATE_FILE, privateFile } from '../store/data-dir.js';
import { Refusal } from '../domain/refusal.js';

/** A second controller was started on SQLite state that already has one. */
export class SingleControllerError extends Refusal {}

export interface SqliteLock {
  release(): void;
}

/**
 * SQLite runs one controller. The lock is an open EXCLUSIVE transaction on a file beside the
 * state: the operating system drops it the instant the process dies (even on kill -9), so a
 * restart never waits, while a second live controller is refused at once.
 */
export function lockSqliteController(statePath: string): SqliteLock {
  const path = `${statePath}.controller-lock`;
  const who = `${path}.json`;
  const db = new SQLite(path, { timeout: 0 });
  privateFile(path);
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
    const holder = existsSync(who) ? (JSON.parse(readFileSync(who, 'utf8')) as { pid: number; host: string; since: string }) : undefined;
    throw new SingleControllerError(
      `another flotte controller is already running on ${statePath}${holder ? ` (pid ${holder.pid} on ${holder.host}, since ${holder.since})` : ''}: SQLite state runs exactly one, having no way to fence a second out; stop the other one, or keep the state in PostgreSQL to run several (--database postgres://user@host/db, see docs/deploy.md)`,
    );
  }
  writeFileSync(who, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }), { mode: PRIVATE_FILE });
  return {
    release() {
      rmSync(who, { force: true });
      db.close();
    },
  };
}
