import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { ADMIN_TOKEN_FILE } from '../../api/tokens.js';
import { ConfigInvalid, defaultConfigFile, startFlotte } from '../../main.js';
import { ensurePortFree } from '../../services/listen.js';
import { SingleControllerError } from '../../services/sqlite-lock.js';
import { CliError } from '../client.js';
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
  println(`flotte is up at ${flotte.url} (state in ${opts.database ?? `${opts.dataDir}/state.db`}; config: ${configFile ?? 'stored or built-in demo'})`);
  for (const p of pools) println(`  pool ${p.name}: ${p.desired} machines on ${p.provider} (min ${p.min}, max ${p.max})`);
  println(`API token: the CLI reads ${join(opts.dataDir, ADMIN_TOKEN_FILE)} (admin, mode 0600) when run from here; others need \`flotte tokens create\``);
  println('Try: ./bin/flotte.js pools · ./bin/flotte.js machines analysis · ./bin/flotte.js events analysis');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await flotte.close();
}
