import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { bootstrapAdmin } from '../../api/tokens.js';
import { openStore } from '../../store/open-store.js';
import { CliError } from '../client.js';
import { println } from '../output.js';

export interface BootstrapOptions {
  database?: string;
  dataDir: string;
  out: string;
  name: string;
}

/**
 * `flotte tokens bootstrap`: the first admin token of a store, for the HA path where no
 * `flotte up` wrote one. It talks to the database, not the API, because no one can call the
 * API before this token exists. The secret goes to a new file (mode 0600), never to the screen.
 */
export async function tokensBootstrapCommand(opts: BootstrapOptions): Promise<void> {
  let fd: number;
  try {
    fd = openSync(opts.out, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${opts.out} already exists: choose a new file for the token (--out)`, 2);
    throw e;
  }
  const store = await openStore(opts.database, { dataDir: opts.dataDir }).catch((e: unknown) => {
    closeSync(fd);
    rmSync(opts.out, { force: true });
    throw e;
  });
  const discard = (): void => {
    closeSync(fd);
    rmSync(opts.out, { force: true });
  };
  let outcome;
  try {
    outcome = await bootstrapAdmin(store, { name: opts.name, source: `cli ${userInfo().username}@${hostname()}` }, Date.now());
  } catch (e) {
    discard();
    throw e;
  } finally {
    await store.close();
  }
  if (!outcome.created) {
    discard();
    const t = outcome.existing;
    throw new CliError(`an admin token already exists (${t.id} "${t.name}", created ${new Date(t.createdAt).toISOString()} by ${t.createdBy}): bootstrap happens once; use that token to create others (\`flotte tokens create\`)`, 1);
  }
  writeSync(fd, `${outcome.secret}\n`);
  closeSync(fd);
  println(`admin token ${outcome.token.id} "${outcome.token.name}" written to ${opts.out} (mode 0600); use it with --token-file ${opts.out} or FLOTTE_TOKEN, and create the others with \`flotte tokens create\``);
}
