import type { EnvReconciler } from '../../src/control/environments/reconciler.js';
import type { EnvService } from '../../src/control/environments/service.js';
import type { Environment } from '../../src/domain/environments/types.js';
import { appliedConfig, simTemplate } from './builders.js';
import { harness, type Harness, type HarnessOptions } from './harness.js';
import { environments } from './wiring.js';

/** Three roles over fleet templates; `db` lives alone in sim-c so a test can starve it of capacity. */
export const ENV_YAML = `
environments:
  templates:
    stack:
      version: 2
      ttl: 8h
      params:
        branch: { default: main, pattern: "[a-z0-9/._-]+" }
      roles:
        web: { template: small, count: 2, readyTimeout: 10m }
        db: { template: dbbox, count: 1 }
        worker: { template: small, count: 1 }
      outputs:
        url: "http://{{roles.web.machines}}/?branch={{params.branch}}"
        db: "{{roles.db.machines}}"
`;

export interface EnvHarness {
  h: Harness;
  service: EnvService;
  reconciler: EnvReconciler;
  /** Controller and environment ticks, virtual time moving, until `done` says so. */
  until(done: () => Promise<boolean>, maxTicks?: number): Promise<void>;
  status(id: string): Promise<Environment>;
  /** Sim machines of an environment's pools that are not terminated. */
  live(env: Environment): number;
}

/** `extra` is YAML added to the `environments:` section (two-space indented), e.g. sizes and quotas; `yaml` replaces ENV_YAML. */
export async function envHarness(extra = '', yaml = ENV_YAML, opts: HarnessOptions = {}): Promise<EnvHarness> {
  const h = await harness(opts);
  await h.store.applyConfig(
    appliedConfig({
      source: yaml + extra,
      templates: [
        simTemplate({ sizes: ['m5.large'], zones: ['sim-a', 'sim-b'] }),
        simTemplate({ name: 'dbbox', image: 'img-db', sizes: ['r5.large'], zones: ['sim-c'] }),
      ],
    }),
    h.clock.now(),
  );
  const { service, reconciler } = environments(h.store, h.clock);
  const eh: EnvHarness = {
    h,
    service,
    reconciler,
    async until(done, maxTicks = 100) {
      for (let i = 0; i < maxTicks; i++) {
        await h.runTick();
        await reconciler.tick();
        if (await done()) return;
        await h.clock.advance(5_000);
      }
      throw new Error(`not done after ${maxTicks} ticks`);
    },
    status: async (id) => (await service.repo.get(id))!,
    live: (env) => h.sim.all().filter((m) => env.roles.some((r) => r.pool === m.tags['flotte:pool']) && m.status !== 'terminated').length,
  };
  return eh;
}
