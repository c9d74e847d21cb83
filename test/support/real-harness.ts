import { realClock } from '../../src/clock/clock.js';
import type { Controller, TickReport } from '../../src/control/controller.js';
import type { PoolSpec, Template } from '../../src/domain/types.js';
import type { Provider } from '../../src/providers/provider.js';
import type { RateLimitedProvider } from '../../src/providers/rate-limited.js';
import type { Store } from '../../src/store/store.js';
import { appliedConfig, poolSpec } from './builders.js';
import { testStore } from './test-env.js';
import { limited, startController } from './wiring.js';

/** The in-process flotte of `harness.ts`, on the wall clock, in front of a real cloud. */
export interface RealHarness {
  provider: RateLimitedProvider;
  store: Store;
  controller: Controller;
  /** Ticks every `intervalMs` until `done` holds; throws with `what` after `timeoutMs`. Returns the ticks used. */
  tickUntil(what: string, done: () => boolean | Promise<boolean>, opts?: { timeoutMs?: number; intervalMs?: number }): Promise<number>;
  tick(): Promise<TickReport>;
  close(): Promise<void>;
}

export interface RealHarnessOptions {
  /** The provider as the composition root would build it; wrapped here in the shared limiter. */
  provider: Provider;
  providerName: string;
  providerConfig: Record<string, unknown>;
  cluster: string;
  template: Omit<Template, 'version' | 'provider'>;
  pool: Partial<PoolSpec> & { name: string };
}

export async function realHarness(o: RealHarnessOptions): Promise<RealHarness> {
  const provider = limited(o.provider, realClock, false);
  const pool = poolSpec({ provider: o.providerName, template: o.template.name, max: 100, zones: o.template.zones, maxLaunching: 100, ...o.pool });
  const config = appliedConfig({ cluster: o.cluster, providers: { [o.providerName]: o.providerConfig }, templates: [{ ...o.template, provider: o.providerName }], pools: [pool] });
  const store = await testStore(config, realClock);
  const controller = await startController({ store, providers: new Map([[o.providerName, provider]]), clock: realClock, cluster: o.cluster });
  const h: RealHarness = {
    provider,
    store,
    controller,
    tick: () => controller.tick(),
    async tickUntil(what, done, { timeoutMs = 300_000, intervalMs = 1_000 } = {}) {
      const deadline = realClock.now() + timeoutMs;
      for (let i = 1; ; i++) {
        await controller.tick();
        if (await done()) return i;
        if (realClock.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
        await realClock.sleep(intervalMs);
      }
    },
    close: () => store.close(),
  };
  return h;
}
