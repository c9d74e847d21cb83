import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from './api/app.js';
import { realClock, type Clock } from './clock/clock.js';
import { ControlPlane } from './compose/control-plane.js';
import { buildProviders } from './compose/providers.js';
import { ConfigInvalid, checkStoredConfig, PROCESS_ENVIRONMENT } from './compose/stored-config.js';
import { demoConfigYaml } from './config/demo.js';
import { configValidator, formatConfigError, validateConfig, type ConfigEnvironment } from './config/load.js';
import { TICK_INTERVAL_MS } from './control/constants.js';
import { describeApply, describeDestroy, planAgainst, shrunk } from './domain/apply-plan.js';
import type { Controller } from './control/controller.js';
import type { ControlLoop } from './control/loop.js';
import { ControllerRole } from './services/controller-role.js';
import { listenOn } from './services/listen.js';
import { operationsPort } from './control/operations/api-port.js';
import { OPERATION_POLL_MS } from './control/operations/constants.js';
import type { Provider } from './providers/provider.js';
import { ApiMetrics } from './api/metrics.js';
import { ensureAdminToken } from './api/tokens.js';
import { secureDataDir } from './store/data-dir.js';
import { openStore } from './store/open-store.js';
import { sizeCatalog } from './compose/size-catalog.js';
import type { Store } from './store/store.js';

export { ConfigInvalid, checkStoredConfig, PROCESS_ENVIRONMENT } from './compose/stored-config.js';

/**
 * `flotte up`: config, store, providers, control plane and API in one process. The providers
 * and the control plane are built by src/compose/, as for `flotte controller` and `flotte api`.
 */
export interface FlotteOptions {
  /** A flotte.yaml to apply at start; without it the stored config is used, or the built-in demo. */
  configFile?: string | undefined;
  dataDir: string;
  database?: string | undefined;
  host: string;
  port: number;
  intervalMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Let the file given at start remove pools or shrink one by more than half of its machines. */
  allowDestroy?: boolean | undefined;
  /** Put /metrics behind a token. */
  metricsNeedToken?: boolean | undefined;
}

export interface RunningFlotte {
  url: string;
  app: FastifyInstance;
  store: Store;
  controller: Controller;
  loop: ControlLoop;
  providers: Map<string, Provider>;
  close(): Promise<void>;
}

async function applyStartupConfig(store: Store, file: string | undefined, clock: Clock, env: ConfigEnvironment, allowDestroy: boolean): Promise<void> {
  const stored = await store.currentConfig();
  const source = file ? readFileSync(file, 'utf8') : stored ? undefined : demoConfigYaml();
  if (source === undefined) return checkStoredConfig(stored!, env);
  const name = file ?? 'built-in demo';
  const parsed = validateConfig(source, name, env);
  if (!parsed.ok) throw new ConfigInvalid(parsed.errors.map(formatConfigError).join('\n'));
  // The same rule as `flotte apply`: a file given at start may not drop pools or halve one unasked.
  let shrinking: string[] = [];
  await store.applyConfig(parsed.applied, clock.now(), (before) => {
    const plan = planAgainst(before, parsed.applied);
    if (plan.destructive.length > 0 && !allowDestroy) {
      throw new ConfigInvalid(`${describeApply(plan, name).join('\n')}\n${describeDestroy(plan, name)} (if that is meant, start again with --allow-destroy)`);
    }
    shrinking = shrunk(plan);
  });
  if (allowDestroy) await store.allowDestroy(shrinking);
}

export async function startFlotte(opts: FlotteOptions): Promise<RunningFlotte> {
  const clock = opts.clock ?? realClock;
  const log = opts.logger ?? pino({ level: 'warn' });
  secureDataDir(opts.dataDir, log);
  const store = await openStore(opts.database, { dataDir: opts.dataDir });
  // SQLite: refuse to be a second controller on this state (before touching it); PostgreSQL: join the others and share the pools.
  const role = await ControllerRole.claim({ store, database: opts.database, dataDir: opts.dataDir, log }).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  try {
    await applyStartupConfig(store, opts.configFile, clock, PROCESS_ENVIRONMENT, opts.allowDestroy === true);
  } catch (e) {
    await role.release();
    await store.close();
    throw e;
  }
  const config = (await store.currentConfig())!;
  // First start: an admin token in <dataDir>/admin-token (mode 0600), where the CLI looks.
  await ensureAdminToken(store, opts.dataDir, clock.now());
  const metrics = new ApiMetrics({ clock });
  const providers = await buildProviders(config.providers, { clock, dataDir: opts.dataDir, observe: metrics.observeProviderCall });
  // Agents join through the API, so it must listen before the first launch tells them where it is.
  let agentServer: string | undefined;
  const intervalMs = opts.intervalMs ?? TICK_INTERVAL_MS;
  const plane = await ControlPlane.prepare({ store, providers, clock, cluster: config.cluster, log, role, intervalMs, agentServer: () => agentServer });
  const { controller, executor, loop } = plane;
  const app = await buildApp({ store, clock, cloudSizes: sizeCatalog(providers, clock), parseConfig: configValidator(PROCESS_ENVIRONMENT), wake: () => loop.wake(), samplesPushed: (samples) => plane.pushed.deliver(samples), providers, metrics, operations: operationsPort({ store, providers, now: () => clock.now(), observeMs: intervalMs + OPERATION_POLL_MS, wake: () => executor.wake() }), metricsNeedToken: opts.metricsNeedToken, logger: log, reachability: () => controller.reachability(), dataDir: opts.dataDir });
  const url = await listenOn(app, opts.host, opts.port);
  agentServer = url;
  await plane.run();
  return {
    url,
    app,
    store,
    controller,
    loop,
    providers,
    async close() {
      await plane.close();
      await app.close();
      await store.close();
    },
  };
}

export const defaultConfigFile = (): string | undefined => (existsSync('flotte.yaml') ? 'flotte.yaml' : undefined);
