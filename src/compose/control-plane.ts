import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { Autoscaler } from '../control/autoscaler.js';
import { TICK_INTERVAL_MS } from '../control/constants.js';
import { Controller, type TickReport } from '../control/controller.js';
import { runEnvironments } from '../control/environments/reconciler.js';
import { ControlLoop } from '../control/loop.js';
import { OperationExecutor } from '../control/operations/executor.js';
import { Rollouts } from '../control/disruption/rollouts.js';
import { Notifier } from '../control/notifications/notifier.js';
import type { Ownership } from '../control/ownership.js';
import { Pruner, firstMember } from '../control/retention.js';
import { storeAgentLoad } from '../metrics/agents.js';
import { PushedSamples } from '../metrics/pushed.js';
import type { RateLimitedProvider } from '../providers/rate-limited.js';
import { poolLease } from '../store/fence.js';
import { hookWebhook } from './hook-webhook.js';
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

  /** Pushed metric samples: an API in this process hands them over here (`deliver`), with no wait. */
  readonly pushed: PushedSamples;

  private constructor(
    private readonly o: ControlPlaneOptions,
    readonly controller: Controller,
    readonly executor: OperationExecutor,
    readonly loop: ControlLoop,
  ) {
    this.pushed = new PushedSamples(o.store.pushedMetrics, o.clock);
  }

  /** The controller adopts what it finds and operations load (checking their in-progress machines) before any tick: it never acts on a held machine. */
  static async prepare(o: ControlPlaneOptions): Promise<ControlPlane> {
    const { store, providers, clock, cluster, log, role } = o;
    const controller = new Controller({ store, providers, clock, cluster, log, ...(o.agentServer && { agentServer: o.agentServer }), ownership: role.ownership, hookWebhook: hookWebhook(clock) });
    role.attach(controller);
    await controller.start();
    // The two loops wake each other (issue 20, item 3): a replace's launch intents leave at once, and
    // the executor gates right after the tick that saw machines come back, so a wave waits for
    // neither loop's interval. Each call is made only once both exist (after prepare).
    const onTick = (report: TickReport) => {
      o.onTick?.(report);
      executor.wake();
    };
    const loop = new ControlLoop(controller, { clock, intervalMs: o.intervalMs ?? TICK_INTERVAL_MS, log, onTick });
    // Bulk operations run beside the loop, each in the controller that owns its pool (see Controller.owns).
    const executor = new OperationExecutor({ store, controller, providers, clock, cluster, log, wakeController: () => loop.wake() });
    await executor.start();
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
    // A pushed sample or a Redis notification evaluates its pool at once (docs/autoscaling-push.md).
    const autoscaler = new Autoscaler({ store, clock, log, wake: () => this.loop.wake(), agents: storeAgentLoad(store, clock), pushed: this.pushed, owns: ownership && ((pool) => ownership.fence(poolLease(pool)) !== undefined) });
    this.running = [
      role.run(signal),
      this.loop.run(signal),
      this.executor.run(signal),
      // Drifted and old machines are replaced by operations like a person's, under the pool's budget.
      new Rollouts({ store, controller: this.controller, clock, log, wake: () => this.executor.wake() }).run(signal),
      autoscaler.run(signal),
      this.pushed.run(signal),
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
    this.controller.close();
    await this.o.role.release();
  }
}
