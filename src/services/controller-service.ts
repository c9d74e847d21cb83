import Fastify, { type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { realClock, type Clock } from '../clock/clock.js';
import { ControlPlane } from '../compose/control-plane.js';
import { buildProviders } from '../compose/providers.js';
import { checkStoredConfig, PROCESS_ENVIRONMENT } from '../compose/stored-config.js';
import type { Controller } from '../control/controller.js';
import type { ControlLoop } from '../control/loop.js';
import { openStore } from '../store/open-store.js';
import { WriteProbe } from '../store/write-probe.js';
import { Refusal } from '../domain/refusal.js';
import { listenOn } from './listen.js';
import type { Store } from '../store/store.js';
import { ControllerMetrics } from './controller-metrics.js';
import { ControllerRole } from './controller-role.js';

export interface ControllerServiceOptions {
  database?: string | undefined;
  dataDir: string;
  /** Where /healthz, /readyz, /metrics and /status listen. */
  host: string;
  port: number;
  intervalMs?: number | undefined;
  leaseMs?: number | undefined;
  clock?: Clock;
  logger?: Logger;
}

export interface RunningController {
  url: string;
  store: Store;
  role: ControllerRole;
  controller: Controller;
  loop: ControlLoop;
  /** Graceful: finishes the tick in progress, hands every lease back, then closes. */
  close(): Promise<void>;
}

/** `flotte controller`: the loops, without the API. The config comes from the store (`flotte apply`). */
export async function startController(opts: ControllerServiceOptions): Promise<RunningController> {
  const clock = opts.clock ?? realClock;
  const log = opts.logger ?? pino({ level: 'warn' });
  const store = await openStore(opts.database, { dataDir: opts.dataDir });
  try {
    const config = await store.currentConfig();
    if (!config) throw new Refusal('no config stored yet: apply one first (`flotte apply -f flotte.yaml` against a `flotte api`)');
    checkStoredConfig(config, PROCESS_ENVIRONMENT);
    const role = await ControllerRole.claim({ store, database: opts.database, dataDir: opts.dataDir, leaseMs: opts.leaseMs, log, info: { port: opts.port } });
    const metrics = new ControllerMetrics(role.ownership, store);
    const providers = await buildProviders(config.providers, { clock, dataDir: opts.dataDir, observe: metrics.observeProviderCall });
    metrics.watch(providers);
    const plane = await ControlPlane.prepare({ store, providers, clock, cluster: config.cluster, log, role, intervalMs: opts.intervalMs, onTick: metrics.observeTick });
    const { controller, loop } = plane;
    const app = healthApp(store, role, loop, metrics, clock);
    await plane.run();
    const url = await listenOn(app, opts.host, opts.port);
    let closing: Promise<void> | undefined;
    return {
      url,
      store,
      role,
      controller,
      loop,
      close: () =>
        (closing ??= (async () => {
          await plane.close();
          await app.close();
          await store.close();
        })()),
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

function healthApp(store: Store, role: ControllerRole, loop: ControlLoop, metrics: ControllerMetrics, clock: Clock): FastifyInstance {
  const app = Fastify();
  const writable = new WriteProbe(store, () => clock.now());
  app.get('/healthz', async () => ({ ok: true }));
  // Ready once the store answers and takes writes and, when sharing pools, this controller is in the members table.
  app.get('/readyz', async (_req, reply) => {
    try {
      await store.revision();
    } catch (e) {
      return reply.code(503).send({ ok: false, reason: `store unreachable: ${(e as Error).message}` });
    }
    const notWritable = await writable.problem();
    if (notWritable) return reply.code(503).send({ ok: false, reason: notWritable });
    if (role.ownership && !role.ownership.members().some((m) => m.id === role.ownership!.id)) return reply.code(503).send({ ok: false, reason: 'not yet a member' });
    return { ok: true };
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.scrape()));
  app.get('/status', async () => ({
    member: role.ownership?.id ?? 'single',
    pid: process.pid,
    ticks: loop.ticks,
    leases: role.ownership?.owned() ?? [],
    members: role.ownership?.members().map((m) => m.id) ?? [],
  }));
  return app;
}
