import { pino } from 'pino';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import type { Clock } from '../../src/clock/clock.js';
import { Random } from '../../src/domain/random.js';
import { Controller, type TickReport } from '../../src/control/controller.js';
import type { PoolSpec } from '../../src/domain/types.js';
import { rateLimited, type RateLimitedProvider } from '../../src/providers/rate-limited.js';
import { SimCloud, type SimCloudOptionsInput } from '../../src/providers/sim/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { AppliedConfig, Store } from '../../src/store/store.js';
import { appliedConfig, poolSpec, SIM_ZONES } from './builders.js';
import { freshPgSchema, type PgSchema } from './services.js';

/**
 * The one in-process test environment: a store, a sim cloud behind the real limiter, and the
 * controller, on a virtual clock. Every rig (harness, ops, environments, scaling) builds on it.
 *
 * The wiring (which decorators wrap the provider, how the controller is made) is today's, and it
 * is all in `wire` below: when the composition root lands, `wire` calls it and nothing else
 * in test/ changes.
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

/** Today's wiring of one sim provider and a controller: the one place to switch to the composition root. */
function wire(o: { sim: SimCloud; clock: VirtualClock; store: Store; cluster: string; agentServer?: string | undefined }) {
  const jitter = new Random(7);
  const provider = rateLimited(o.sim, { clock: o.clock, random: () => jitter.next() });
  const controller = async () => {
    const log = pino({ level: 'silent' });
    const c = new Controller({ store: o.store, providers: new Map([['sim', provider]]), clock: o.clock, cluster: o.cluster, log, ...(o.agentServer ? { agentServer: () => o.agentServer } : {}) });
    await c.start();
    return c;
  };
  return { provider, controller };
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
  const { provider, controller } = wire({ sim, clock, store, cluster, agentServer: opts.agentServer });
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
