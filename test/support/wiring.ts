import { pino } from 'pino';
import type { Clock } from '../../src/clock/clock.js';
import { Autoscaler } from '../../src/control/autoscaler.js';
import { Controller } from '../../src/control/controller.js';
import { EnvReconciler } from '../../src/control/environments/reconciler.js';
import { EnvService } from '../../src/control/environments/service.js';
import { OperationExecutor } from '../../src/control/operations/executor.js';
import { Random } from '../../src/domain/random.js';
import type { Provider } from '../../src/providers/provider.js';
import type { RateLimitedProvider } from '../../src/providers/rate-limited.js';
import { decorateProvider } from '../../src/compose/providers.js';
import { hookWebhook } from '../../src/compose/hook-webhook.js';
import type { Store } from '../../src/store/store.js';

/**
 * How the test rigs wire flotte's parts together, written once for every rig (test-env, ops,
 * environments, scaling, real-harness); providers are decorated by the composition root's
 * `decorateProvider`, so the rigs test the stack the processes run.
 */
export const silent = () => pino({ level: 'silent' });

/** A provider decorated as the composition root does it; on a virtual clock the limiter's retry jitter is seeded, so runs repeat. */
export function limited(provider: Provider, clock: Clock, seeded = true): RateLimitedProvider {
  if (!seeded) return decorateProvider(provider, { clock });
  const jitter = new Random(7);
  return decorateProvider(provider, { clock, random: () => jitter.next() });
}

export interface ControllerWiring {
  store: Store;
  providers: ReadonlyMap<string, Provider>;
  clock: Clock;
  cluster: string;
  agentServer?: string | undefined;
}

/** A started controller, as a (re)started process builds it from the store. */
export async function startController(o: ControllerWiring): Promise<Controller> {
  const c = new Controller({ store: o.store, providers: o.providers, clock: o.clock, cluster: o.cluster, log: silent(), ...(o.agentServer ? { agentServer: () => o.agentServer } : {}), hookWebhook: hookWebhook(o.clock) });
  await c.start();
  return c;
}

/** A started operation executor sharing a controller, its store and its limiter. */
export async function startExecutor(o: ControllerWiring & { controller: Controller }): Promise<OperationExecutor> {
  const ex = new OperationExecutor({ store: o.store, controller: o.controller, providers: o.providers, clock: o.clock, cluster: o.cluster, log: silent() });
  await ex.start();
  return ex;
}

/** The environments service and its reconciler over one store. */
export function environments(store: Store, clock: Clock): { service: EnvService; reconciler: EnvReconciler } {
  const service = new EnvService(store, clock);
  const reconciler = new EnvReconciler({ store, clock, log: silent(), templates: () => service.templates() });
  return { service, reconciler };
}

/** The autoscaler over one store; `wake` is told when it changed a pool's desired size. */
export function autoscaler(store: Store, clock: Clock, wake: () => void): Autoscaler {
  return new Autoscaler({ store, clock, log: silent(), wake });
}
