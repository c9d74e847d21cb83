import { pino } from 'pino';
import { realClock } from '../src/clock/clock.js';
import { Autoscaler } from '../src/control/autoscaler.js';
import { TICK_INTERVAL_MS } from '../src/control/constants.js';
import { Controller } from '../src/control/controller.js';
import { ControlLoop } from '../src/control/loop.js';
import { Random } from '../src/domain/random.js';
import type { Provider } from '../src/providers/provider.js';
import { decorateProvider } from '../src/compose/providers.js';
import { SimCloud } from '../src/providers/sim/index.js';
import { openStore } from '../src/store/open-store.js';
import { jsonServer } from '../test/support/json-server.js';
import { scalingSpec } from '../test/support/scaling.js';
import { median, percentile, type Bench } from './harness.js';

const RUNS = 15;
const STEP = 5;

/**
 * From a metric crossing its target to the provider's launch call, on the wall clock, wired as
 * main.ts wires it: autoscaler (1 s evaluation interval) → store.setDesired → loop.wake() →
 * controller tick → launch. Crossings land at random phases of the evaluation interval.
 */
export const autoscaleBench: Bench = async () => {
  const server = await jsonServer({ depth: 0 });
  const store = await openStore(':memory:');
  const clock = realClock;
  const scaling = scalingSpec({ type: 'http-json', url: server.url, path: 'depth' }, { evaluationInterval: 1 });
  scaling.policies = [{ type: 'target-tracking', metric: 'backlog', target: 100, aggregate: 'total', tolerance: 0 }];
  await store.applyConfig(
    {
      source: '# bench',
      cluster: 'bench',
      providers: { sim: { type: 'sim' } },
      templates: [{ name: 'small', provider: 'sim', image: 'img', sizes: ['m5.large'], zones: ['sim-a', 'sim-b'], tags: {} }],
      pools: [{ name: 'analysis', provider: 'sim', template: 'small', min: 0, max: 1000, desired: 0, zones: ['sim-a', 'sim-b'], labels: {}, maxLaunching: 1000, deletionOrder: 'oldest-first', scaling }],
    },
    clock.now(),
  );
  const launches: number[] = [];
  const sim = decorateProvider(new SimCloud({ zones: ['sim-a', 'sim-b'], bootSeconds: { min: 1, max: 2 } }, clock), { clock });
  // A recording decorator on the port, the way cross-cutting concerns wrap providers.
  const provider: Provider = new Proxy(sim, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'launch' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
      return (...args: unknown[]) => {
        launches.push(performance.now());
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const log = pino({ level: 'silent' });
  const controller = new Controller({ store, providers: new Map([['sim', provider]]), clock, cluster: 'bench', log });
  await controller.start();
  const loop = new ControlLoop(controller, { clock, intervalMs: TICK_INTERVAL_MS, log });
  const autoscaler = new Autoscaler({ store, clock, log, wake: () => loop.wake() });
  const stop = new AbortController();
  const running = Promise.all([loop.run(stop.signal), autoscaler.run(stop.signal)]);

  const random = new Random(11);
  const latencies: number[] = [];
  await clock.sleep(1_500);
  for (let i = 1; i <= RUNS; i++) {
    await clock.sleep(random.next() * 1_000); // a random phase of the 1 s interval
    const seen = launches.length;
    const crossed = performance.now();
    server.doc = { depth: i * STEP * 100 };
    while (launches.length === seen) {
      if (performance.now() - crossed > 10_000) throw new Error(`no launch within 10 s of crossing #${i}`);
      await clock.sleep(5);
    }
    latencies.push(launches[seen]! - crossed);
  }
  stop.abort();
  await running;
  await store.close();
  await server.close();
  return [
    { name: 'scale-out: metric crossing → launch call (1 s evaluation), median', value: median(latencies), unit: 'ms', target: { op: '<', value: 1_500 }, detail: { latencies } },
    { name: 'scale-out: metric crossing → launch call, p90', value: percentile(latencies, 90), unit: 'ms' },
    { name: 'scale-out: metric crossing → launch call, max', value: Math.max(...latencies), unit: 'ms' },
  ];
};
