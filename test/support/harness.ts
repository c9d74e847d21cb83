import { pino } from 'pino';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { Random } from '../../src/domain/random.js';
import { Controller, type TickReport } from '../../src/control/controller.js';
import type { PoolSpec } from '../../src/domain/types.js';
import { rateLimited, type RateLimitedProvider } from '../../src/providers/rate-limited.js';
import { SimCloud, type SimCloudOptionsInput } from '../../src/providers/sim/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export interface Harness {
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

export interface HarnessOptions {
  sim?: SimCloudOptionsInput;
  pools?: Partial<PoolSpec>[];
  store?: Store;
  cluster?: string;
  /** Where launched machines' agents are told to join; agent pools launch nothing without it. */
  agentServer?: string;
}

/** An in-process flotte on a virtual clock: store, sim cloud behind the real limiter, controller. */
export async function harness(opts: HarnessOptions = {}): Promise<Harness> {
  const clock = new VirtualClock();
  const sim = new SimCloud({ zones: ['sim-a', 'sim-b', 'sim-c'], bootSeconds: { min: 20, max: 40 }, ...opts.sim }, clock);
  const jitter = new Random(7);
  const provider = rateLimited(sim, { clock, random: () => jitter.next() });
  const store = opts.store ?? (await openStore(':memory:'));
  const cluster = opts.cluster ?? 'test';
  const pools = (opts.pools ?? [{}]).map((p) => ({
    name: 'analysis',
    provider: 'sim',
    template: 'small',
    min: 0,
    max: 2000,
    desired: 0,
    zones: ['sim-a', 'sim-b', 'sim-c'],
    labels: {},
    maxLaunching: 2000,
    deletionOrder: 'oldest-first' as const,
    ...p,
  }));
  await store.applyConfig(
    {
      source: '# test',
      cluster,
      providers: { sim: { type: 'sim' } },
      templates: [{ name: 'small', provider: 'sim', image: 'img-1', sizes: ['m5.large', 'm6i.large'], zones: ['sim-a', 'sim-b', 'sim-c'], tags: {} }],
      pools,
    },
    clock.now(),
  );
  const log = pino({ level: 'silent' });
  const make = async () => {
    const c = new Controller({ store, providers: new Map([['sim', provider]]), clock, cluster, log, ...(opts.agentServer ? { agentServer: () => opts.agentServer } : {}) });
    await c.start();
    return c;
  };
  const h: Harness = {
    clock,
    sim,
    provider,
    store,
    controller: await make(),
    async tickUntil(done, { maxTicks = 200, stepMs = 5_000 } = {}) {
      for (let i = 1; i <= maxTicks; i++) {
        await h.runTick();
        if (await done()) return i;
        await clock.advance(stepMs);
      }
      throw new Error(`not converged after ${maxTicks} ticks`);
    },
    async runTick() {
      // A tick may wait on the clock (rate limiter pacing, retry backoff): keep time moving while it runs.
      let finished = false;
      const tick = h.controller.tick().finally(() => (finished = true));
      while (!finished) await clock.advance(100);
      return tick;
    },
    async restart() {
      h.controller = await make();
      return h.controller;
    },
    close: () => store.close(),
  };
  return h;
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
