import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from './api/app.js';
import { realClock, type Clock } from './clock/clock.js';
import { demoConfigYaml } from './config/demo.js';
import { configValidator, formatConfigError, validateConfig, type ConfigEnvironment } from './config/load.js';
import type { ProviderConfig } from './config/schema.js';
import { TICK_INTERVAL_MS } from './control/constants.js';
import { describeApply, describeDestroy, planAgainst, shrunk } from './domain/apply-plan.js';
import { Autoscaler } from './control/autoscaler.js';
import { Controller } from './control/controller.js';
import { leaseGated } from './control/lease-gate.js';
import { ControlLoop } from './control/loop.js';
import { runEnvironments } from './control/environments/reconciler.js';
import { Pruner, firstMember } from './control/retention.js';
import { ControllerRole } from './services/controller-role.js';
import { listenOn } from './services/listen.js';
import { operationsPort } from './control/operations/api-port.js';
import { OPERATION_POLL_MS } from './control/operations/constants.js';
import { OperationExecutor } from './control/operations/executor.js';
import type { Provider } from './providers/provider.js';
import { buildAwsProvider } from './providers/aws/build.js';
import { rateLimited, type RateLimitedProvider } from './providers/rate-limited.js';
import { observed } from './providers/observed.js';
import { ApiMetrics } from './api/metrics.js';
import { ensureAdminToken } from './api/tokens.js';
import { SimCloud, simOptions } from './providers/sim/index.js';
import { RemoteSim } from './providers/sim/serve/remote-sim.js';
import { LocalProvider } from './providers/local/index.js';
import { connectOpenStack } from './providers/openstack/index.js';
import { storeAgentLoad } from './metrics/agents.js';
import { poolLease } from './store/fence.js';
import { privateDir, secureDataDir } from './store/data-dir.js';
import { openStore } from './store/open-store.js';
import type { AppliedConfig, Store } from './store/store.js';

/**
 * The composition root: the one place where config, store, providers (wrapped in the shared
 * rate limiter), controller and API are put together.
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

export class ConfigInvalid extends Error {}

export function buildProvider(name: string, cfg: ProviderConfig, env: { clock: Clock; dataDir: string }): Provider {
  switch (cfg.type) {
    case 'sim': {
      const { type: _type, persist, server, ...options } = cfg;
      if (server) return new RemoteSim(server, options, `${hostname()}:${process.pid}`);
      const statePath = persist ? join(env.dataDir, 'sim', `${name}.json`) : undefined;
      if (statePath) privateDir(join(env.dataDir, 'sim'));
      return new SimCloud(simOptions({ ...options, statePath }), env.clock);
    }
    case 'aws':
      return buildAwsProvider(cfg, env.clock);
    case 'local':
      return new LocalProvider({ root: join(env.dataDir, 'local'), zones: cfg.zones, bootMs: cfg.bootSeconds * 1000 }, env.clock);
    case 'openstack': {
      const { type: _type, ...options } = cfg;
      return connectOpenStack(options, env.clock).provider;
    }
  }
}

/** What this process's providers resolve against: its own environment (clouds.yaml, OS_*). */
export const PROCESS_ENVIRONMENT: ConfigEnvironment = {};

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

/**
 * A service starting on the stored config checks it as an apply would have, here: the
 * environment may differ from the one it was applied in (another host, a clouds.yaml edited since).
 */
export function checkStoredConfig(config: AppliedConfig, env: ConfigEnvironment): void {
  const parsed = validateConfig(config.source, 'stored config', env);
  if (!parsed.ok) throw new ConfigInvalid(`${parsed.errors.map(formatConfigError).join('\n')}\nthe stored config does not resolve here: fix it in this environment, or apply a corrected flotte.yaml (\`flotte up -f\` or \`flotte apply -f\`)`);
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
  const providers = new Map<string, RateLimitedProvider>();
  for (const [name, cfg] of Object.entries(config.providers)) {
    providers.set(name, rateLimited(observed(leaseGated(buildProvider(name, cfg as ProviderConfig, { clock, dataDir: opts.dataDir })), metrics.observeProviderCall), { clock }));
  }
  // Agents join through the API, so it must listen before the first launch tells them where it is.
  let agentServer: string | undefined;
  const controller = new Controller({ store, providers, clock, cluster: config.cluster, log, agentServer: () => agentServer, ownership: role.ownership });
  role.attach(controller);
  await controller.start();
  // Operations load (and check their in-progress machines) before the first tick, so the controller never acts on a held machine.
  const executor = new OperationExecutor({ store, controller, providers, clock, cluster: config.cluster, log });
  await executor.start();
  const loop = new ControlLoop(controller, clock, opts.intervalMs ?? TICK_INTERVAL_MS, log);
  const app = await buildApp({ store, clock, parseConfig: configValidator(PROCESS_ENVIRONMENT), wake: () => loop.wake(), providers, metrics, operations: operationsPort({ store, providers, now: () => clock.now(), observeMs: (opts.intervalMs ?? TICK_INTERVAL_MS) + OPERATION_POLL_MS, wake: () => executor.wake() }), metricsNeedToken: opts.metricsNeedToken, logger: log, reachability: () => controller.reachability() });
  const stop = new AbortController();
  const url = await listenOn(app, opts.host, opts.port);
  agentServer = url;
  await role.join();
  const leases = role.run(stop.signal);
  const running = loop.run(stop.signal);
  const operating = executor.run(stop.signal);
  // Scaling decisions write desired and wake the loop, so a launch follows within one evaluation.
  const ownership = role.ownership;
  const autoscaler = new Autoscaler({ store, clock, log, wake: () => loop.wake(), agents: storeAgentLoad(store, clock), owns: ownership && ((pool) => ownership.fence(poolLease(pool)) !== undefined) });
  const scaling = autoscaler.run(stop.signal);
  const environments = runEnvironments({ store, clock, log }, stop.signal);
  // Old history is deleted on a timer of its own, in small batches: never inside a tick.
  const pruning = new Pruner({ store, clock, log, ...(ownership && { active: firstMember(ownership) }) }).run(stop.signal);
  return {
    url,
    app,
    store,
    controller,
    loop,
    providers,
    async close() {
      stop.abort();
      await Promise.all([running, scaling, operating, leases, environments, pruning]);
      await role.release();
      await app.close();
      await store.close();
    },
  };
}

export const defaultConfigFile = (): string | undefined => (existsSync('flotte.yaml') ? 'flotte.yaml' : undefined);
