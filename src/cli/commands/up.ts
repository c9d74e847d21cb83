import { pino } from 'pino';
import { ConfigInvalid, defaultConfigFile, startFlotte } from '../../main.js';
import { CliError } from '../client.js';
import { println } from '../output.js';

export interface UpOptions {
  file?: string;
  dataDir: string;
  database?: string;
  host: string;
  port: string;
  interval: string;
  logLevel: string;
}

/** All in one process: API and controller on the embedded defaults, until SIGINT or SIGTERM. */
export async function upCommand(opts: UpOptions): Promise<void> {
  const logger = pino({ level: opts.logLevel }, pino.destination(2));
  const configFile = opts.file ?? defaultConfigFile();
  let flotte;
  try {
    flotte = await startFlotte({
      configFile,
      dataDir: opts.dataDir,
      database: opts.database,
      host: opts.host,
      port: Number(opts.port),
      intervalMs: Number(opts.interval),
      logger,
    });
  } catch (e) {
    if (e instanceof ConfigInvalid) throw new CliError(e.message, 2);
    throw e;
  }
  const pools = await flotte.store.listPools();
  println(`flotte is up at ${flotte.url} (state in ${opts.database ?? `${opts.dataDir}/state.db`}; config: ${configFile ?? 'stored or built-in demo'})`);
  for (const p of pools) println(`  pool ${p.name}: ${p.desired} machines on ${p.provider} (min ${p.min}, max ${p.max})`);
  println('Try: ./bin/flotte.js pools · ./bin/flotte.js machines analysis · ./bin/flotte.js events analysis');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await flotte.close();
}
