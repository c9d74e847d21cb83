import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from '../api/app.js';
import { realClock, type Clock } from '../clock/clock.js';
import { configValidator } from '../config/load.js';
import { TICK_INTERVAL_MS } from '../control/constants.js';
import { operationsPort } from '../control/operations/api-port.js';
import { OPERATION_POLL_MS } from '../control/operations/constants.js';
import { buildProviders } from '../compose/providers.js';
import { sizeCatalog } from '../compose/size-catalog.js';
import { checkStoredConfig, PROCESS_ENVIRONMENT } from '../compose/stored-config.js';
import { openStore } from '../store/open-store.js';
import { listenOn } from './listen.js';
import type { Store } from '../store/store.js';

export interface ApiServiceOptions {
  database?: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  clock?: Clock;
  logger?: Logger;
}

export interface RunningApi {
  url: string;
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

/**
 * `flotte api`: stateless, so any number of replicas can sit behind a load balancer. Every
 * request reads and writes the shared store, and a write is committed before its answer is
 * sent, which is what gives a client read-your-writes on any replica.
 */
export async function startApi(opts: ApiServiceOptions): Promise<RunningApi> {
  const clock = opts.clock ?? realClock;
  const store = await openStore(opts.database, { dataDir: opts.dataDir });
  try {
    // Operations are created here and run by the controller owning their pool; the API only needs the providers' limits for estimates.
    const config = await store.currentConfig();
    if (config) checkStoredConfig(config, PROCESS_ENVIRONMENT);
    const providers = await buildProviders(config?.providers ?? {}, { clock, dataDir: opts.dataDir });
    const operations = operationsPort({ store, providers, now: () => clock.now(), observeMs: TICK_INTERVAL_MS + OPERATION_POLL_MS, wake: () => undefined });
    const app = await buildApp({ store, clock, cloudSizes: sizeCatalog(providers, clock), parseConfig: configValidator(PROCESS_ENVIRONMENT), operations, logger: opts.logger ?? pino({ level: 'warn' }), dataDir: opts.dataDir });
    const url = await listenOn(app, opts.host, opts.port);
    let closing: Promise<void> | undefined;
    return {
      url,
      app,
      store,
      // Fastify's close stops accepting, lets requests in flight finish, then the store goes.
      close: () => (closing ??= app.close().then(() => store.close())),
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
