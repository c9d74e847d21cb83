import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Refusal } from '../../domain/refusal.js';
import { lockSqliteController, SingleControllerError, type SqliteLock } from '../../services/sqlite-lock.js';
import { backupStateFile, planRestore, restoreStateFile, type RestorePlan, type StateSummary } from '../../store/backup.js';
import { CliError } from '../client.js';
import { println } from '../output.js';

export interface StateFileOptions {
  dataDir: string;
  database?: string;
}

const POSTGRES = /^postgres(ql)?:\/\//i;

/** The SQLite file these commands work on; PostgreSQL has its own tools, which do this better. */
function statePathOf(opts: StateFileOptions, tool: 'pg_dump' | 'pg_restore'): string {
  if (opts.database && POSTGRES.test(opts.database)) {
    throw new CliError(`flotte ${tool === 'pg_dump' ? 'backup' : 'restore'} works on SQLite state; on PostgreSQL use ${tool} (see docs/operations.md)`, 2);
  }
  return opts.database ?? join(opts.dataDir, 'state.db');
}

const when = (at: number | undefined): string => (at === undefined ? 'no config applied' : `config applied ${new Date(at).toISOString()}`);
const describe = (s: StateSummary): string => `${s.pools} pools, ${s.machines} machines, ${when(s.configAppliedAt)}, ${s.bytes} bytes`;

/** `flotte backup FILE`: a consistent copy of the SQLite state, taken while flotte runs. */
export async function backupCommand(file: string, opts: StateFileOptions & { force?: boolean }): Promise<void> {
  const statePath = statePathOf(opts, 'pg_dump');
  const saved = await backupStateFile(statePath, file, { force: opts.force });
  println(`backed up ${statePath} to ${file} (${describe(saved)}; mode 0600)`);
}

function currentLine(current: RestorePlan['current']): string {
  if (current === undefined) return 'nothing (no state yet)';
  if ('damaged' in current) return `${current.path} (damaged: it ${current.damaged})`;
  return `${current.path} (${describe(current)})`;
}

/** Takes the lock a running flotte holds, so none runs (or starts) while its state is swapped. */
function lockOut(statePath: string): SqliteLock {
  try {
    return lockSqliteController(statePath);
  } catch (e) {
    if (!(e instanceof SingleControllerError)) throw e;
    const who = `${statePath}.controller-lock.json`;
    const holder = existsSync(who) ? (JSON.parse(readFileSync(who, 'utf8')) as { pid: number; host: string }) : undefined;
    throw new Refusal(`a flotte is running on ${statePath}${holder ? ` (pid ${holder.pid} on ${holder.host})` : ''}: stop it, and any \`flotte api\` on this state, before restoring`, 1);
  }
}

/**
 * `flotte restore FILE`: replaces the SQLite state with a backup. Destructive, so it first says
 * what it would replace and does it only with --yes; the replaced file is kept beside it.
 */
export async function restoreCommand(file: string, opts: StateFileOptions & { yes?: boolean }): Promise<void> {
  const statePath = statePathOf(opts, 'pg_restore');
  const plan = planRestore(file, statePath);
  println(`restore ${file} (${describe(plan.backup)})`);
  println(`in place of ${currentLine(plan.current)}`);
  if (!opts.yes) throw new CliError('nothing changed: this replaces the fleet flotte knows with the backup\'s; re-run with --yes to do it', 2);
  if (!existsSync(dirname(statePath))) mkdirSync(dirname(statePath), { recursive: true, mode: 0o700 });
  const lock = lockOut(statePath);
  try {
    const { keptAside } = await restoreStateFile(file, statePath, Date.now());
    println(`restored ${statePath}${keptAside ? `; the replaced file is kept as ${keptAside}` : ''}`);
    println('start flotte on it as before (e.g. `flotte up`): it adopts the machines it finds in the cloud and acts on the restored desired sizes');
  } finally {
    lock.release();
  }
}
