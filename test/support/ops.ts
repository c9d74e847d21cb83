import type { OperationExecutor } from '../../src/control/operations/executor.js';
import { createOperation, type OperationRequest } from '../../src/control/operations/create.js';
import type { Operation } from '../../src/domain/operations/types.js';
import { harness, type Harness, type HarnessOptions } from './harness.js';
import { silent, startExecutor } from './wiring.js';
import { Rollouts } from '../../src/control/disruption/rollouts.js';

export interface OpsHarness extends Harness {
  executor: OperationExecutor;
  /** Roll-outs of drifted and old machines, looked for at every step (the real loop looks every ROLLOUT_POLL_MS). */
  rollouts: Rollouts;
  /** One controller tick and one executor step, then `stepMs` of virtual time. */
  step(stepMs?: number): Promise<void>;
  /** Steps until the operation is no longer running or paused; returns it. */
  runOperation(id: string, opts?: { stepMs?: number; maxSteps?: number; each?: () => Promise<void> }): Promise<Operation>;
  start(req: OperationRequest): Promise<Operation>;
}

/** The in-process harness plus an operation executor sharing its controller, store and limiter. */
export async function opsHarness(opts: HarnessOptions = {}): Promise<OpsHarness> {
  const h = await harness(opts);
  const make = () => startExecutor({ store: h.store, controller: h.controller, providers: new Map([['sim', h.provider]]), clock: h.clock, cluster: opts.cluster ?? 'test' });
  const o = h as OpsHarness;
  o.executor = await make();
  o.rollouts = new Rollouts({ store: h.store, controller: h.controller, clock: h.clock, log: silent() });
  const whileRunning = async (p: Promise<unknown>) => {
    let finished = false;
    const done = p.finally(() => (finished = true));
    while (!finished) await h.clock.advance(50);
    await done;
  };
  o.step = async (stepMs = 1_000) => {
    await h.runTick();
    await whileRunning(o.rollouts.runOnce());
    await whileRunning(o.executor.runOnce());
    await h.clock.advance(stepMs);
  };
  o.runOperation = async (id, { stepMs = 1_000, maxSteps = 5_000, each } = {}) => {
    for (let i = 0; i < maxSteps; i++) {
      await o.step(stepMs);
      await each?.();
      const op = (await h.store.getOperation(id))!;
      if (op.status !== 'running' && op.status !== 'paused') return op;
    }
    throw new Error(`operation ${id} still running after ${maxSteps} steps`);
  };
  o.start = async (req) => (await createOperation(h.store, req, h.clock.now())).op;
  // A restarted process builds both anew from the store.
  const restartController = h.restart.bind(h);
  o.restart = async () => {
    const c = await restartController();
    o.executor = await make();
    o.rollouts = new Rollouts({ store: h.store, controller: h.controller, clock: h.clock, log: silent() });
    return c;
  };
  return o;
}
