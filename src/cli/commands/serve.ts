import { pino } from 'pino';
import { startApi } from '../../services/api-service.js';
import { ensurePortFree } from '../../services/listen.js';
import { startController } from '../../services/controller-service.js';
import { SingleControllerError } from '../../services/sqlite-lock.js';
import { ConfigInvalid } from '../../main.js';
import { CliError } from '../client.js';
import { println } from '../output.js';
import { durationFlag } from '../flags.js';

export interface ServiceOptions {
  dataDir: string;
  database?: string;
  host: string;
  port: string;
  logLevel: string;
}

/** Resolves on the first SIGINT or SIGTERM: the signal to shut down gracefully. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** `flotte api`: one stateless API replica. */
export async function apiCommand(opts: ServiceOptions): Promise<void> {
  const logger = pino({ level: opts.logLevel }, pino.destination(2));
  await ensurePortFree(opts.host, Number(opts.port));
  const api = await startApi({ database: opts.database, dataDir: opts.dataDir, host: opts.host, port: Number(opts.port), logger }).catch((e: unknown) => {
    throw e instanceof ConfigInvalid ? new CliError(e.message, 2) : e;
  });
  println(`flotte api listening at ${api.url} (state: ${opts.database ?? `${opts.dataDir}/state.db`})`);
  const signal = await untilSignal();
  logger.info({ signal }, 'shutting down: finishing requests in flight');
  await api.close();
}

/** `flotte controller`: the loops; on PostgreSQL one of several, sharing the pools through fenced leases. */
export async function controllerCommand(opts: ServiceOptions & { interval: string; lease: string }): Promise<void> {
  const logger = pino({ level: opts.logLevel }, pino.destination(2));
  await ensurePortFree(opts.host, Number(opts.port));
  let ctl;
  try {
    ctl = await startController({
      database: opts.database,
      dataDir: opts.dataDir,
      host: opts.host,
      port: Number(opts.port),
      intervalMs: durationFlag('--interval', opts.interval, { bare: 'ms', example: '2000 or 2s' }),
      leaseMs: durationFlag('--lease', opts.lease, { bare: 'ms', example: '10000 or 10s' }),
      logger,
    });
  } catch (e) {
    if (e instanceof SingleControllerError) throw new CliError(e.message, 1);
    if (e instanceof ConfigInvalid) throw new CliError(e.message, 2);
    throw e;
  }
  const member = ctl.role.ownership?.id ?? 'single (SQLite)';
  println(`flotte controller ${member} up; health at ${ctl.url} (state: ${opts.database ?? `${opts.dataDir}/state.db`})`);
  const signal = await untilSignal();
  logger.info({ signal }, 'shutting down: finishing the tick in progress, then handing the leases back');
  await ctl.close();
}
