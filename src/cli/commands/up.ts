import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { ADMIN_TOKEN_FILE } from '../../api/tokens.js';
import { ConfigInvalid, defaultConfigFile, startFlotte } from '../../main.js';
import { ensurePortFree } from '../../services/listen.js';
import { SingleControllerError } from '../../services/sqlite-lock.js';
import { CliError } from '../client.js';
import { commandAsTyped, currentInvocation } from '../invocation.js';
import { println } from '../output.js';
import { durationFlag } from '../flags.js';

export interface UpOptions {
  file?: string;
  dataDir: string;
  database?: string;
  host: string;
  port: string;
  interval: string;
  logLevel: string;
  metricsNeedToken?: boolean;
  allowDestroy?: boolean;
}

/** All in one process: API and controller on the embedded defaults, until SIGINT or SIGTERM. */
export async function upCommand(opts: UpOptions): Promise<void> {
  const logger = pino({ level: opts.logLevel }, pino.destination(2));
  const intervalMs = durationFlag('--interval', opts.interval, { bare: 'ms', example: '2000 or 2s' });
  const configFile = opts.file ?? defaultConfigFile();
  // A refused first start leaves no data dir behind: the next start must not mistake it for an install.
  const freshDataDir = !existsSync(opts.dataDir);
  await ensurePortFree(opts.host, Number(opts.port));
  let flotte;
  try {
    flotte = await startFlotte({
      configFile,
      dataDir: opts.dataDir,
      database: opts.database,
      host: opts.host,
      port: Number(opts.port),
      intervalMs,
      logger,
      metricsNeedToken: opts.metricsNeedToken,
      allowDestroy: opts.allowDestroy,
    });
  } catch (e) {
    if (freshDataDir) rmSync(opts.dataDir, { recursive: true, force: true });
    if (e instanceof ConfigInvalid) throw new CliError(e.message, 2);
    if (e instanceof SingleControllerError) throw new CliError(e.message, 1);
    throw e;
  }
  const pools = await flotte.store.listPools();
  const machines = await flotte.store.listMachines();
  println(`flotte is up at ${flotte.url} (state in ${opts.database ?? `${opts.dataDir}/state.db`}; config: ${configFile ?? 'stored or built-in demo'})`);
  for (const p of pools) {
    const existing = machines.filter((m) => m.pool === p.name).length;
    println(`  pool ${p.name}: ${plural(existing, 'machine')} on ${p.provider} (desired ${p.desired}, min ${p.min}, max ${p.max})`);
  }
  const flotteCommand = commandAsTyped(currentInvocation());
  println(`API token: the CLI reads ${join(opts.dataDir, ADMIN_TOKEN_FILE)} (admin, mode 0600) when run from here; others need \`${flotteCommand} tokens create\``);
  println(`Try: ${tryCommands(flotteCommand, pools[0]?.name)}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await flotte.close();
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The first commands worth typing, in the words this flotte was started with, on the config's own first pool. */
export function tryCommands(flotte: string, pool: string | undefined): string {
  if (pool === undefined) return `${flotte} pools · ${flotte} apply -f flotte.yaml`;
  return [`${flotte} pools`, `${flotte} machines ${pool}`, `${flotte} events ${pool}`].join(' · ');
}
