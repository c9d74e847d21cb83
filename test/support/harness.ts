import type { SimCloud } from '../../src/providers/sim/index.js';
import type { Store } from '../../src/store/store.js';
import { createTestEnv, type TestEnv, type TestEnvOptions } from './test-env.js';

/** The in-process flotte of test-env.ts under the name its many suites know it by. */
export type Harness = TestEnv;
export type HarnessOptions = TestEnvOptions;

/** An in-process flotte on a virtual clock: store, sim cloud behind the real limiter, controller. */
export function harness(opts: HarnessOptions = {}): Promise<Harness> {
  return createTestEnv(opts);
}

/** Ready machines of a pool, from the store. */
export async function readyCount(store: Store, pool = 'analysis'): Promise<number> {
  return (await store.listMachines({ pool })).filter((m) => m.state === 'ready').length;
}

export async function converged(store: Store, desired: number, pool = 'analysis'): Promise<boolean> {
  const ms = await store.listMachines({ pool });
  return ms.length === desired && ms.every((m) => m.state === 'ready');
}

/** Live sim machines carrying a pool's tag. */
export function simLive(sim: SimCloud, pool = 'analysis') {
  return sim.all().filter((m) => m.tags['flotte:pool'] === pool && m.status !== 'terminated' && m.status !== 'terminating');
}
