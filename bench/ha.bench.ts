import { pino } from 'pino';
import { realClock } from '../src/clock/clock.js';
import { Controller, type TickReport } from '../src/control/controller.js';
import { ControlLoop } from '../src/control/loop.js';
import { Ownership } from '../src/control/ownership.js';
import { decorateProvider } from '../src/compose/providers.js';
import { SimCloud } from '../src/providers/sim/index.js';
import { poolLease } from '../src/store/fence.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { freshPgSchema, postgresService } from '../test/support/services.js';
import type { Bench, BenchResult } from './harness.js';

const CONTROLLERS = 3;
const POOLS = 30;
const PER_POOL = 1_000;
const WINDOW_MS = 10_000;
const LEASE_MS = 5_000;
const plenty = { capacity: 1e9, refillPerSecond: 1e9 };

/**
 * Three controllers sharing 30 pools × 1,000 machines on one sim cloud and one PostgreSQL, each
 * with its own connection pool, ticking back to back: ticks per second, and each controller's
 * share of the work (pools reconciled per tick × ticks). In one process, so the figures
 * include the three competing for one CPU, as they would on one small host.
 */
export const haBench: Bench = async () => {
  if (!(await postgresService().probe())) {
    console.warn('ha bench: PostgreSQL unreachable, skipped');
    return [];
  }
  const schema = freshPgSchema();
  const admin = await openStore(schema.url);
  const sim = new SimCloud({ zones: ['sim-a', 'sim-b', 'sim-c'], bootSeconds: { min: 1, max: 2 }, buckets: { describe: plenty, mutate: plenty, launch: plenty }, instanceBuckets: { launch: plenty, terminate: plenty } }, realClock);
  const pools = Array.from({ length: POOLS }, (_, i) => ({
    name: `pool-${String(i).padStart(2, '0')}`, provider: 'sim', template: 'small', min: 0, max: PER_POOL, desired: PER_POOL,
    zones: ['sim-a', 'sim-b', 'sim-c'], labels: {}, maxLaunching: PER_POOL, deletionOrder: 'oldest-first' as const,
  }));
  await admin.applyConfig({ source: '# bench', cluster: 'bench', providers: { sim: { type: 'sim' } }, templates: [{ name: 'small', provider: 'sim', image: 'img', sizes: ['m5.large'], zones: ['sim-a', 'sim-b', 'sim-c'], tags: {} }], pools }, Date.now());

  const log = pino({ level: 'silent' });
  const stop = new AbortController();
  const members: { store: Store; ownership: Ownership; loop: ControlLoop; work: { ticks: number; pools: number; machines: number } }[] = [];
  for (let i = 0; i < CONTROLLERS; i++) {
    const store = await openStore(schema.url);
    const work = { ticks: 0, pools: 0, machines: 0 };
    const ref: { controller?: Controller } = {};
    const ownership = new Ownership({
      store, id: `bench-${i}`, info: {}, leaseMs: LEASE_MS, log,
      keys: async () => (await store.listPools()).map((p) => poolLease(p.name)),
      quiesce: async (key) => ref.controller?.quiesce(key.slice(5)),
    });
    const controller = (ref.controller = new Controller({ store, providers: new Map([['sim', decorateProvider(sim, { clock: realClock })]]), clock: realClock, cluster: 'bench', log, ownership }));
    await controller.start();
    const onTick = (r: TickReport) => {
      work.ticks++;
      work.pools += r.pools;
      work.machines += r.machines;
    };
    members.push({ store, ownership, loop: new ControlLoop(controller, { clock: realClock, intervalMs: 0, log, onTick }), work });
  }
  // Everyone joins before anyone claims, so the first share is already the even one.
  for (const m of members) await m.store.heartbeat(m.ownership.id, {}, LEASE_MS);
  const running = members.flatMap((m) => [m.ownership.run(stop.signal), m.loop.run(stop.signal)]);

  const started = Date.now();
  for (;;) {
    const ready = (await admin.listMachines()).filter((m) => m.state === 'ready').length;
    if (ready === POOLS * PER_POOL) break;
    if (Date.now() - started > 600_000) throw new Error(`ha bench: only ${ready} ready after 10 min`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const convergeMs = Date.now() - started;
  for (const m of members) m.work.ticks = m.work.pools = m.work.machines = 0;
  const listPages = () => Object.values(sim.counters.list).reduce((n, k) => n + k, 0);
  const pagesBefore = listPages();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const pages = listPages() - pagesBefore;
  const window = members.map((m) => ({ id: m.ownership.id, ...m.work, leases: m.ownership.owned().length }));
  stop.abort();
  await Promise.all(running);
  for (const m of members) {
    await m.ownership.stop();
    await m.store.close();
  }
  await admin.close();
  await schema.drop();

  const seconds = WINDOW_MS / 1000;
  const totalPoolTicks = window.reduce((n, w) => n + w.pools, 0);
  const rows: BenchResult[] = [
    { name: `HA: ticks/s, ${CONTROLLERS} controllers, ${POOLS} pools × ${PER_POOL.toLocaleString('en')} on sim (sum)`, value: window.reduce((n, w) => n + w.ticks, 0) / seconds, unit: 'ticks/s', detail: { window } },
    { name: 'HA: pool reconciles/s, all controllers', value: totalPoolTicks / seconds, unit: 'pools/s' },
    { name: 'HA: converge 0 → 30,000 machines (wall time)', value: convergeMs, unit: 'ms' },
    // What each tick costs the cloud's describe bucket: a controller lists only the pools it holds (1,000 machines a page).
    { name: 'HA: list pages (describe calls) per controller tick', value: pages / Math.max(1, window.reduce((n, w) => n + w.ticks, 0)), unit: 'calls', detail: { pages } },
  ];
  for (const w of window) {
    rows.push({ name: `HA: ${w.id} ticks/s (${w.leases} pools held)`, value: w.ticks / seconds, unit: 'ticks/s' });
    rows.push({ name: `HA: ${w.id} share of work (pool reconciles)`, value: (100 * w.pools) / Math.max(1, totalPoolTicks), unit: '%' });
  }
  return rows;
};
