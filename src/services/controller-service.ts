import Fastify, { type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { realClock, type Clock } from '../clock/clock.js';
import type { ProviderConfig } from '../config/schema.js';
import { TICK_INTERVAL_MS } from '../control/constants.js';
import { Controller } from '../control/controller.js';
import { leaseGated } from '../control/lease-gate.js';
import { ControlLoop } from '../control/loop.js';
import { runEnvironments } from '../control/environments/reconciler.js';
import { OperationExecutor } from '../control/operations/executor.js';
import { buildProvider, checkStoredConfig, PROCESS_ENVIRONMENT } from '../main.js';
import type { Provider } from '../providers/provider.js';
import { rateLimited } from '../providers/rate-limited.js';
import { openStore } from '../store/open-store.js';
import { WriteProbe } from '../store/write-probe.js';
import { Refusal } from '../domain/refusal.js';
import { listenOn } from './listen.js';
import type { Store } from '../store/store.js';
import { Autoscaler } from '../control/autoscaler.js';
import { storeAgentLoad } from '../metrics/agents.js';
import { poolLease } from '../store/fence.js';
import { ControllerMetrics } from './controller-metrics.js';
import { ControllerRole } from './controller-role.js';
import { Pruner, firstMember } from '../control/retention.js';

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
  let role: ControllerRole;
  try {
    const config = await store.currentConfig();
    if (!config) throw new Refusal('no config stored yet: apply one first (`flotte apply -f flotte.yaml` against a `flotte api`)');
    checkStoredConfig(config, PROCESS_ENVIRONMENT);
    role = await ControllerRole.claim({ store, database: opts.database, dataDir: opts.dataDir, leaseMs: opts.leaseMs, log, info: { port: opts.port } });
    const providers = new Map<string, Provider>();
    for (const [name, cfg] of Object.entries(config.providers)) {
      // The lease gate sits below the limiter: checked right before a request leaves, after any pacing.
      providers.set(name, rateLimited(leaseGated(buildProvider(name, cfg as ProviderConfig, { clock, dataDir: opts.dataDir })), { clock }));
    }
    const controller = new Controller({ store, providers, clock, cluster: config.cluster, log, ownership: role.ownership });
    role.attach(controller);
    await controller.start();
    // Bulk operations run beside the loop, each in the controller that owns its pool (see Controller.owns).
    const executor = new OperationExecutor({ store, controller, providers, clock, cluster: config.cluster, log });
    await executor.start();
    const metrics = new ControllerMetrics(role.ownership);
    const loop = new ControlLoop(controller, clock, opts.intervalMs ?? TICK_INTERVAL_MS, log, metrics.observeTick);
    const app = healthApp(store, role, loop, metrics, clock);
    const stop = new AbortController();
    await role.join();
    const leases = role.run(stop.signal);
    const running = loop.run(stop.signal);
    const operating = executor.run(stop.signal);
    const environments = runEnvironments({ store, clock, log }, stop.signal);
    // The scaling loop evaluates only the pools whose lease this controller holds.
    const ownership = role.ownership;
    const autoscaler = new Autoscaler({ store, clock, log, wake: () => loop.wake(), agents: storeAgentLoad(store, clock), owns: ownership && ((pool) => ownership.fence(poolLease(pool)) !== undefined) });
    const scaling = autoscaler.run(stop.signal);
    // Old history is deleted on a timer of its own, in small batches: never inside a tick.
    const pruning = new Pruner({ store, clock, log, ...(ownership && { active: firstMember(ownership) }) }).run(stop.signal);
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
          stop.abort();
          await Promise.all([running, operating, leases, environments, scaling, pruning]);
          await role.release();
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
