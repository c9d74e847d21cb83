import { pino } from 'pino';
import type { VirtualClock } from '../../clock/virtual-clock.js';
import { Controller, type TickReport } from '../../control/controller.js';
import { Random } from '../../domain/random.js';
import type { PoolSpec } from '../../domain/types.js';
import { decorateProvider } from '../../compose/providers.js';
import type { RateLimitedProvider } from '../../providers/rate-limited.js';
import { SimCloud } from '../../providers/sim/index.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import type { PlanScenario } from '../schema.js';
import { hotStore } from './hot-store.js';

export const PLAN_POOL = 'planned';
const CLUSTER = 'planner';
/** Time the virtual clock moves per nudge while a tick waits on the rate limiter. */
const TICK_NUDGE_MS = 100;

/** One scenario's flotte: the sim cloud behind the real limiter, an in-memory store, the real controller. */
export interface Fleet {
  sim: SimCloud;
  provider: RateLimitedProvider;
  store: Store;
  controller: Controller;
  pool: PoolSpec;
  /** Runs one controller tick at the clock's now, moving time only while the tick waits (pacing, backoff). */
  tick(): Promise<TickReport>;
  close(): Promise<void>;
}

/** Spreads a capacity cap over zones the way a private cloud's host aggregates would hold it. */
export function zoneCaps(zones: readonly string[], capacity: number): Record<string, number> {
  const each = Math.floor(capacity / zones.length);
  return Object.fromEntries(zones.map((z, i) => [z, each + (i < capacity - each * zones.length ? 1 : 0)]));
}

export async function buildFleet(s: PlanScenario, seed: number, clock: VirtualClock): Promise<Fleet> {
  const reserved = s.market.type === 'reserved' ? s.market : undefined;
  const interruptions = s.market.type === 'spot' ? s.market.interruptionsPerHour : 0;
  const sim = new SimCloud(
    {
      seed,
      zones: s.zones,
      bootSeconds: s.bootSeconds,
      launchFailureRate: s.failures.launchFailureRate,
      deathRatePerHour: s.failures.deathsPerHour + interruptions,
      zoneCapacity: reserved ? zoneCaps(s.zones, reserved.capacity) : {},
    },
    clock,
  );
  const jitter = new Random(seed ^ 0x5eed);
  const provider = decorateProvider(sim, { clock, random: () => jitter.next() });
  const db = await openStore(':memory:');
  const max = reserved ? Math.min(s.pool.max, reserved.capacity) : s.pool.max;
  const pool: PoolSpec = {
    name: PLAN_POOL,
    provider: 'sim',
    template: PLAN_POOL,
    min: Math.min(s.pool.min, max),
    max,
    desired: Math.min(s.pool.initial, max),
    zones: s.zones,
    labels: {},
    maxLaunching: max,
    deletionOrder: 'oldest-first',
  };
  await db.applyConfig(
    {
      source: `# planner scenario ${s.name}`,
      cluster: CLUSTER,
      providers: { sim: { type: 'sim' } },
      templates: [{ name: PLAN_POOL, provider: 'sim', image: `${s.provider}-image`, sizes: [s.size.name], zones: s.zones, tags: {} }],
      pools: [pool],
    },
    clock.now(),
  );
  const store = await hotStore(db);
  // The planner needs no log: its output is the result. Silent pino keeps the controller's code path unchanged.
  const controller = new Controller({ store, providers: new Map([['sim', provider]]), clock, cluster: CLUSTER, log: pino({ level: 'silent' }) });
  await controller.start();
  return {
    sim,
    provider,
    store,
    controller,
    pool,
    async tick() {
      let finished = false;
      const run = controller.tick().finally(() => (finished = true));
      await clock.advance(0);
      while (!finished) await clock.advance(TICK_NUDGE_MS);
      return run;
    },
    close: () => store.close(),
  };
}
