import { VirtualClock } from '../../src/clock/virtual-clock.js';
import type { Clock } from '../../src/clock/clock.js';
import type { Controller, TickReport } from '../../src/control/controller.js';
import type { PoolSpec } from '../../src/domain/types.js';
import type { RateLimitedProvider } from '../../src/providers/rate-limited.js';
import { SimCloud, type SimCloudOptionsInput } from '../../src/providers/sim/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { AppliedConfig, Store } from '../../src/store/store.js';
import { appliedConfig, poolSpec, SIM_ZONES } from './builders.js';
import { freshPgSchema, type PgSchema } from './services.js';
import { limited, startController } from './wiring.js';

/**
 * The one in-process test environment: a store, a sim cloud behind the real limiter, and the
 * controller, on a virtual clock. Every rig (harness, ops, environments, scaling) builds on it.
 *
 * The wiring (which decorators wrap the provider, how the controller is made) is today's, and it
 * is all in wiring.ts: when the composition root lands, that file calls it and nothing else in
 * test/ changes.
 */
export interface TestEnv {
  clock: VirtualClock;
  sim: SimCloud;
  provider: RateLimitedProvider;
  store: Store;
  controller: Controller;
  /** Ticks (advancing virtual time by `stepMs` between ticks) until `done` or `maxTicks`. Returns ticks used. */
  tickUntil(done: () => boolean | Promise<boolean>, opts?: { maxTicks?: number; stepMs?: number }): Promise<number>;
  /** One tick, with virtual time moving while the tick waits. */
  runTick(): Promise<TickReport>;
  /** A new controller on the same store and cloud: what a restarted process would build. */
  restart(): Promise<Controller>;
  close(): Promise<void>;
}

export type Dialect = 'sqlite' | 'postgres';

export interface TestEnvOptions {
  clock?: VirtualClock;
  /** Sim fields over the env's own (three zones, 20–40 s boots). */
  sim?: SimCloudOptionsInput;
  /** Pools as overrides of `poolSpec()`; one default pool (`analysis`) when omitted. */
  pools?: Partial<PoolSpec>[];
  /** SQLite in memory (default), or PostgreSQL in a fresh schema dropped on close. */
  dialect?: Dialect;
  /** A store the test opened itself (its dialect is then the test's business). */
  store?: Store;
  cluster?: string;
  /** Where launched machines' agents are told to join; agent pools launch nothing without it. */
  agentServer?: string;
}

/** A store of the given dialect holding `config`; `close` also drops a PostgreSQL schema. */
export async function testStore(config: AppliedConfig, clock: Clock, dialect: Dialect = 'sqlite'): Promise<Store> {
  let schema: PgSchema | undefined;
  if (dialect === 'postgres') schema = freshPgSchema();
  const store = await openStore(schema?.url ?? ':memory:');
  await store.applyConfig(config, clock.now());
  if (!schema) return store;
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await schema.drop();
  };
  return store;
}

export async function createTestEnv(opts: TestEnvOptions = {}): Promise<TestEnv> {
  const clock = opts.clock ?? new VirtualClock();
  const sim = new SimCloud({ zones: SIM_ZONES, bootSeconds: { min: 20, max: 40 }, ...opts.sim }, clock);
  const cluster = opts.cluster ?? 'test';
  const config = appliedConfig({ cluster, pools: (opts.pools ?? [{}]).map((p) => poolSpec(p)) });
  let store: Store;
  if (opts.store) {
    store = opts.store;
    await store.applyConfig(config, clock.now());
  } else {
    store = await testStore(config, clock, opts.dialect);
  }
  const provider = limited(sim, clock);
  const controller = () => startController({ store, providers: new Map([['sim', provider]]), clock, cluster, agentServer: opts.agentServer });
  const env: TestEnv = {
    clock,
    sim,
    provider,
    store,
    controller: await controller(),
    async tickUntil(done, { maxTicks = 200, stepMs = 5_000 } = {}) {
      for (let i = 1; i <= maxTicks; i++) {
        await env.runTick();
        if (await done()) return i;
        await clock.advance(stepMs);
      }
      throw new Error(`not converged after ${maxTicks} ticks`);
    },
    async runTick() {
      // A tick may wait on the clock (rate limiter pacing, retry backoff): keep time moving while it runs.
      let finished = false;
      const tick = env.controller.tick().finally(() => (finished = true));
      while (!finished) await clock.advance(100);
      return tick;
    },
    async restart() {
      env.controller = await controller();
      return env.controller;
    },
    close: () => store.close(),
  };
  return env;
}
