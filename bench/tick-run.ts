import SQLite from 'better-sqlite3';
import { harness } from '../test/support/harness.js';
import { median } from './harness.js';

/**
 * One run of the tick scenario, in a process of its own (bench/tick.bench.ts starts three, with
 * --expose-gc): `pools` pools × `size` machines on sim, converged, then timed steady-state ticks,
 * SQL writes counted per tick, and memory after a forced collection. Prints one JSON line.
 */
const [pools, size, deaths] = process.argv.slice(2).map(Number) as [number, number, number | undefined];
const WARM_TICKS = 20;
const TIMED_TICKS = 60;
const DEATHS = deaths ?? 50;

// Every statement flotte's SQLite store runs passes Statement#run (no rows back) or #all: writes,
// and the rows they change (run's `changes`, or the rows a `returning` gives back), are counted there.
let writes = 0;
let rows = 0;
const statement = Object.getPrototypeOf(new SQLite(':memory:').prepare('select 1')) as { run: (...a: unknown[]) => unknown; all: (...a: unknown[]) => unknown; source: string };
for (const method of ['run', 'all'] as const) {
  const original = statement[method];
  statement[method] = function (this: { source: string }, ...args: unknown[]) {
    const out = original.apply(this, args);
    if (/^\s*(insert|update|delete|replace)\b/i.test(this.source)) {
      writes++;
      rows += Array.isArray(out) ? out.length : ((out as { changes?: number }).changes ?? 0);
    }
    return out;
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc: memory is measured after a forced collection');

const total = pools * size;
const h = await harness({
  pools: Array.from({ length: pools }, (_, i) => ({ name: `pool-${i}`, desired: size, max: size, maxLaunching: size })),
  // Launch buckets wide open: bringing the fleet up is set-up here, not what is measured.
  sim: { bootSeconds: { min: 5, max: 10 }, buckets: { describe: { capacity: 1e9, refillPerSecond: 1e9 }, launch: { capacity: 1e9, refillPerSecond: 1e9 } }, instanceBuckets: { launch: { capacity: 1e9, refillPerSecond: 1e9 } } },
});
const converge = performance.now();
// Counted in the controller's memory: reading 50,000 rows back from the store at every tick would be the bench's own garbage.
const ready = () => Array.from({ length: pools }, (_, i) => h.controller.machines(`pool-${i}`).filter((m) => m.state === 'ready').length).reduce((a, b) => a + b, 0);
await h.tickUntil(() => ready() === total, { maxTicks: 100 });
const convergeMs = performance.now() - converge;
// Steady state, not the compiler's warm-up: the first ticks after convergence run code V8 is still tiering up.
for (let i = 0; i < WARM_TICKS; i++) {
  await h.runTick();
  await h.clock.advance(1000);
}
const ticks: number[] = [];
// CPU time (user + system) of this process per tick: what a busy machine's other work inflates less than wall time.
const cpu: number[] = [];
writes = 0;
for (let i = 0; i < TIMED_TICKS; i++) {
  const t = performance.now();
  const c = process.cpuUsage();
  await h.runTick();
  const used = process.cpuUsage(c);
  ticks.push(performance.now() - t);
  cpu.push((used.user + used.system) / 1000);
  await h.clock.advance(1000);
}
const quietWrites = writes / TIMED_TICKS;

// Twice, with a pause: V8 hands freed pages back to the system after a collection, not during it.
for (let i = 0; i < 2; i++) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const mem = process.memoryUsage();

// A tick that sees DEATHS machines die: its writes should follow the changes, not the fleet's size.
const victims = h.sim.all().filter((m) => m.status === 'running').slice(0, DEATHS).map((m) => m.id);
h.sim.kill(victims);
writes = rows = 0;
await h.runTick();
const deathWrites = writes;
const deathRows = rows;
await h.close();

console.log(JSON.stringify({ pools, size, machines: total, convergeMs, ticks, tickMedianMs: median(ticks), tickCpuMedianMs: median(cpu), quietWritesPerTick: quietWrites, deaths: DEATHS, deathTickWrites: deathWrites, deathTickRows: deathRows, heapUsedMB: mem.heapUsed / 2 ** 20, heapTotalMB: mem.heapTotal / 2 ** 20, rssMB: mem.rss / 2 ** 20 }));
