import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from './api/app.js';
import { realClock, type Clock } from './clock/clock.js';
import { demoConfigYaml } from './config/demo.js';
import { formatConfigError, parseConfig } from './config/load.js';
import type { ProviderConfig } from './config/schema.js';
import { TICK_INTERVAL_MS } from './control/constants.js';
import { Controller } from './control/controller.js';
import { ControlLoop } from './control/loop.js';
import type { Provider } from './providers/provider.js';
import { rateLimited } from './providers/rate-limited.js';
import { SimCloud, simOptions } from './providers/sim/index.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

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
      const { type: _type, persist, ...options } = cfg;
      const statePath = persist ? join(env.dataDir, 'sim', `${name}.json`) : undefined;
      if (statePath) mkdirSync(join(env.dataDir, 'sim'), { recursive: true });
      return new SimCloud(simOptions({ ...options, statePath }), env.clock);
    }
  }
}

async function applyStartupConfig(store: Store, file: string | undefined, clock: Clock): Promise<void> {
  const source = file ? readFileSync(file, 'utf8') : (await store.currentConfig()) ? undefined : demoConfigYaml();
  if (source === undefined) return;
  const parsed = parseConfig(source, file ?? 'built-in demo');
  if (!parsed.ok) throw new ConfigInvalid(parsed.errors.map(formatConfigError).join('\n'));
  await store.applyConfig(parsed.applied, clock.now());
}

export async function startFlotte(opts: FlotteOptions): Promise<RunningFlotte> {
  const clock = opts.clock ?? realClock;
  const log = opts.logger ?? pino({ level: 'warn' });
  mkdirSync(opts.dataDir, { recursive: true });
  const store = await openStore(opts.database, { dataDir: opts.dataDir });
  try {
    await applyStartupConfig(store, opts.configFile, clock);
  } catch (e) {
    await store.close();
    throw e;
  }
  const config = (await store.currentConfig())!;
  const providers = new Map<string, Provider>();
  for (const [name, cfg] of Object.entries(config.providers)) {
    providers.set(name, rateLimited(buildProvider(name, cfg as ProviderConfig, { clock, dataDir: opts.dataDir }), { clock }));
  }
  const controller = new Controller({ store, providers, clock, cluster: config.cluster, log });
  await controller.start();
  const loop = new ControlLoop(controller, clock, opts.intervalMs ?? TICK_INTERVAL_MS, log);
  const app = await buildApp({ store, clock, parseConfig, wake: () => loop.wake() });
  const stop = new AbortController();
  const running = loop.run(stop.signal);
  const url = await app.listen({ host: opts.host, port: opts.port });
  return {
    url,
    app,
    store,
    controller,
    loop,
    providers,
    async close() {
      stop.abort();
      await running;
      await app.close();
      await store.close();
    },
  };
}

export const defaultConfigFile = (): string | undefined => (existsSync('flotte.yaml') ? 'flotte.yaml' : undefined);
