import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { Autoscaler } from '../control/autoscaler.js';
import { TICK_INTERVAL_MS } from '../control/constants.js';
import { Controller, type TickReport } from '../control/controller.js';
import { runEnvironments } from '../control/environments/reconciler.js';
import { ControlLoop } from '../control/loop.js';
import { OperationExecutor } from '../control/operations/executor.js';
import { Notifier } from '../control/notifications/notifier.js';
import type { Ownership } from '../control/ownership.js';
import { Pruner, firstMember } from '../control/retention.js';
import { storeAgentLoad } from '../metrics/agents.js';
import type { RateLimitedProvider } from '../providers/rate-limited.js';
import { poolLease } from '../store/fence.js';
import type { Store } from '../store/store.js';

/** How the process takes its place among controllers: src/services/controller-role.ts. */
export interface ControllerPlace {
  readonly ownership: Ownership | undefined;
  attach(controller: Controller): void;
  join(): Promise<void>;
  run(signal: AbortSignal): Promise<void>;
  release(): Promise<void>;
}

export interface ControlPlaneOptions {
  store: Store;
  /** Built by buildProviders: the controller and the operations share their one budget. */
  providers: ReadonlyMap<string, RateLimitedProvider>;
  clock: Clock;
  cluster: string;
  log: Logger;
  role: ControllerPlace;
  intervalMs?: number | undefined;
  /** Where launched machines' agents join; only a process that serves the API (`flotte up`) has one. */
  agentServer?: (() => string | undefined) | undefined;
  onTick?: ((report: TickReport) => void) | undefined;
}

/**
 * Everything that changes the fleet, for `flotte up` and `flotte controller` alike: the
 * controller and its tick loop, bulk operations, the autoscaler, developer environments and
 * retention. Built in two steps because the caller puts its HTTP server between them.
 */
export class ControlPlane {
  private readonly stop = new AbortController();
  private running: Promise<void>[] = [];

  private constructor(
    private readonly o: ControlPlaneOptions,
    readonly controller: Controller,
    readonly executor: OperationExecutor,
    readonly loop: ControlLoop,
  ) {}

  /** The controller adopts what it finds and operations load (checking their in-progress machines) before any tick: it never acts on a held machine. */
  static async prepare(o: ControlPlaneOptions): Promise<ControlPlane> {
    const { store, providers, clock, cluster, log, role } = o;
    const controller = new Controller({ store, providers, clock, cluster, log, ...(o.agentServer && { agentServer: o.agentServer }), ownership: role.ownership });
    role.attach(controller);
    await controller.start();
    // Bulk operations run beside the loop, each in the controller that owns its pool (see Controller.owns).
    const executor = new OperationExecutor({ store, controller, providers, clock, cluster, log });
    await executor.start();
    const loop = new ControlLoop(controller, { clock, intervalMs: o.intervalMs ?? TICK_INTERVAL_MS, log, onTick: o.onTick });
    return new ControlPlane(o, controller, executor, loop);
  }

  /** Joins the other controllers (leases), then starts every loop until `close`. */
  async run(): Promise<void> {
    const { store, clock, log, role } = this.o;
    const signal = this.stop.signal;
    await role.join();
    const ownership = role.ownership;
    // Scaling decisions write desired and wake the loop, so a launch follows within one evaluation;
    // with shared pools, only the pools whose lease this controller holds are evaluated.
    const autoscaler = new Autoscaler({ store, clock, log, wake: () => this.loop.wake(), agents: storeAgentLoad(store, clock), owns: ownership && ((pool) => ownership.fence(poolLease(pool)) !== undefined) });
    this.running = [
      role.run(signal),
      this.loop.run(signal),
      this.executor.run(signal),
      autoscaler.run(signal),
      runEnvironments({ store, clock, log }, signal),
      // Old history is deleted on a timer of its own, in small batches: never inside a tick.
      new Pruner({ store, clock, log, ...(ownership && { active: firstMember(ownership) }) }).run(signal),
      // Webhooks read the events table on their own timer: a slow receiver never holds a tick.
      // Every controller runs one; claims keep two from sending the same delivery.
      new Notifier({ store, clock, log, holder: ownership?.id ?? `single:${process.pid}` }).run(signal),
    ];
  }

  /** Graceful: the tick in progress finishes, every loop ends, then every lease is handed back. */
  async close(): Promise<void> {
    this.stop.abort();
    await Promise.all(this.running);
    await this.o.role.release();
  }
}
