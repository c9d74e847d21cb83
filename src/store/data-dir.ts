import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import type { Logger } from 'pino';

/**
 * The data dir holds the state, the admin token and the local machines' join settings: this
 * user's only. Files are 0600 and dirs 0700 whatever the umask, because any other local user
 * who reads a join token or a credential can report as a machine.
 */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

const mode = (path: string): number => statSync(path).mode & 0o777;

/** Makes the data dir private, tightening one an older flotte (or a person) left open, and says so. */
export function secureDataDir(dir: string, log?: Logger): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  const was = mode(dir);
  if ((was & 0o077) === 0) return;
  chmodSync(dir, PRIVATE_DIR);
  log?.warn({ dir }, `data dir ${dir} was mode ${was.toString(8).padStart(4, '0')}: tightened to 0700 (it holds flotte's state and agent secrets)`);
}

/** A private dir inside the data dir (local machines, sim state), new or left open by an older flotte. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  if (mode(dir) & 0o077) chmodSync(dir, PRIVATE_DIR);
}

/**
 * Creates the file 0600 if missing, and tightens it if not. For a SQLite database this is what
 * keeps its `-wal` and `-shm` private too: SQLite gives those the mode of the database file.
 */
export function privateFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE));
  if (mode(path) & 0o077) chmodSync(path, PRIVATE_FILE);
}
