import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { ControlPlane } from '../../src/compose/control-plane.js';
import { createOperation, type OperationRequest } from '../../src/control/operations/create.js';
import type { Operation } from '../../src/domain/operations/types.js';
import { SimCloud, type SimCloudOptionsInput } from '../../src/providers/sim/index.js';
import type { RateLimitedProvider } from '../../src/providers/rate-limited.js';
import { ControllerRole } from '../../src/services/controller-role.js';
import type { Store } from '../../src/store/store.js';
import { appliedConfig, poolSpec, SIM_ZONES } from './builders.js';
import { testStore } from './test-env.js';
import { limited, silent } from './wiring.js';

/**
 * Virtual time per turn of the rig. Each turn lets every loop that is due run to its end
 * (SQLite in memory answers synchronously), so a step of the real loops costs at most this
 * much virtual time that a real process would not spend.
 */
const TURN_MS = 10;

export interface OpsRig {
  clock: VirtualClock;
  sim: SimCloud;
  provider: RateLimitedProvider;
  store: Store;
  plane: ControlPlane;
  /** Moves virtual time on, in turns, until `done` holds (checked every `checkMs`). */
  until(done: () => boolean | Promise<boolean>, opts?: { maxMs?: number; checkMs?: number }): Promise<void>;
  /** Creates the operation and wakes the executor, as the API of the same process does. */
  start(req: OperationRequest): Promise<Operation>;
  /** Runs until the operation is no longer running or paused; returns it. */
  finish(id: string): Promise<Operation>;
  close(): Promise<void>;
}

/**
 * One pool on sim, run by the composition root's own ControlPlane (controller loop at its tick
 * interval, operation executor at its poll interval, and every other loop `flotte up` runs) on
 * a virtual clock: operation timings here are what a process would show, whatever the machine's load.
 */
export async function opsRig(o: { machines: number; sim: SimCloudOptionsInput }): Promise<OpsRig> {
  const clock = new VirtualClock();
  const sim = new SimCloud({ zones: SIM_ZONES, ...o.sim }, clock);
  const pool = poolSpec({ desired: o.machines, max: o.machines * 2, maxLaunching: o.machines });
  const store = await testStore(appliedConfig({ pools: [pool] }), clock);
  const provider = limited(sim, clock);
  const log = silent();
  // The single-controller role of SQLite; in memory it takes no lock file, so its data dir is never read.
  const role = await ControllerRole.claim({ store, database: ':memory:', dataDir: '.', log });
  const plane = await ControlPlane.prepare({ store, providers: new Map([['sim', provider]]), clock, cluster: 'test', log, role });
  await plane.run();
  const rig: OpsRig = {
    clock,
    sim,
    provider,
    store,
    plane,
    async until(done, { maxMs = 3_600_000, checkMs = 100 } = {}) {
      const end = clock.now() + maxMs;
      while (!(await done())) {
        if (clock.now() > end) throw new Error(`not done after ${maxMs / 1000} s of virtual time`);
        for (let t = 0; t < checkMs; t += TURN_MS) await clock.advance(TURN_MS);
      }
    },
    async start(req) {
      const { op } = await createOperation(store, req, clock.now());
      plane.executor.wake();
      return op;
    },
    async finish(id) {
      let op: Operation | undefined;
      await rig.until(async () => {
        op = (await store.getOperation(id))!;
        return op.status !== 'running' && op.status !== 'paused';
      });
      return op!;
    },
    async close() {
      const closing = plane.close();
      // The loops end at their next wake-up: keep time moving until every one has returned.
      let closed = false;
      void closing.finally(() => (closed = true));
      while (!closed) await clock.advance(1_000);
      await closing;
      await store.close();
    },
  };
  return rig;
}
