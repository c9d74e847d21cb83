import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { realClock } from '../src/clock/clock.js';
import { Notifier } from '../src/control/notifications/notifier.js';
import { harness } from '../test/support/harness.js';
import { median, percentile } from './harness.js';

/**
 * One run of the notification-delivery scenario, in a process of its own (bench/notify.bench.ts
 * alternates runs without and with delivery): `pools` × `size` machines on sim, converged, then
 * ticks timed at a steady pace in real time. With a receiver URL, a notifier runs beside the loop
 * in this process and store, as `flotte up` and `flotte controller` run it (its own 2 s rounds of
 * up to 500), with a backlog of `backlog` events to send: the most a burst of events gives it.
 * Prints one JSON line.
 */
const [pools, size, backlog, url] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), process.argv[5]];
const WARM_TICKS = 20;
const TIMED_TICKS = 100;
/** Real time between timed ticks: the loop's pace, so the notifier's rounds fall among the ticks. */
const PACE_MS = 100;

const h = await harness({
  pools: Array.from({ length: pools }, (_, i) => ({ name: `pool-${i}`, desired: size, max: size, maxLaunching: size })),
  sim: { bootSeconds: { min: 5, max: 10 }, buckets: { describe: { capacity: 1e9, refillPerSecond: 1e9 }, launch: { capacity: 1e9, refillPerSecond: 1e9 } }, instanceBuckets: { launch: { capacity: 1e9, refillPerSecond: 1e9 } } },
});
const total = pools * size;
const ready = () => Array.from({ length: pools }, (_, i) => h.controller.machines(`pool-${i}`).filter((m) => m.state === 'ready').length).reduce((a, b) => a + b, 0);
await h.tickUntil(() => ready() === total, { maxTicks: 100 });
for (let i = 0; i < WARM_TICKS; i++) {
  await h.runTick();
  await h.clock.advance(1000);
}

const stop = new AbortController();
let running: Promise<void> | undefined;
if (url) {
  const cfg = (await h.store.currentConfig())!;
  const source = `${cfg.source}\nnotifications:\n  subscriptions:\n    oncall:\n      url: ${url}\n      secretEnv: BENCH_SECRET\n      events: [HealingPaused]\n`;
  await h.store.applyConfig({ ...cfg, source }, h.clock.now());
  const notifier = new Notifier({ store: h.store, clock: realClock, log: pino({ level: 'silent' }), holder: 'bench', env: { BENCH_SECRET: 'k' } });
  await notifier.runOnce(); // the cursor starts at the newest event: the backlog goes in after it
  await h.store.appendEvents(Array.from({ length: backlog }, (_, i) => ({ at: h.clock.now(), pool: `pool-${i % pools}`, reason: 'HealingPaused' as const, message: `brake tripped ${i}` })));
  running = notifier.run(stop.signal);
}

const ticks: number[] = [];
// Wall-clock bounds of the timed ticks: the receiver (in the parent) counts what arrived inside them.
const windowStart = Date.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < TIMED_TICKS; i++) {
  const t = performance.now();
  await h.runTick();
  ticks.push(performance.now() - t);
  await h.clock.advance(1000);
  await sleep(PACE_MS);
}
const used = process.cpuUsage(cpu0);
const windowEnd = Date.now();
stop.abort();
await running;
await h.close();
console.log(JSON.stringify({ machines: total, delivering: Boolean(url), tickMedianMs: median(ticks), tickP95Ms: percentile(ticks, 95), tickMaxMs: Math.max(...ticks), cpuMs: (used.user + used.system) / 1000, windowStart, windowEnd }));
