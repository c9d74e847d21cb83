import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildApp } from '../src/api/app.js';
import { issueToken } from '../src/api/tokens.js';
import { realClock } from '../src/clock/clock.js';
import { ControlPlane } from '../src/compose/control-plane.js';
import { decorateProvider } from '../src/compose/providers.js';
import { parseConfig } from '../src/config/load.js';
import { Random } from '../src/domain/random.js';
import { SimCloud } from '../src/providers/sim/index.js';
import { ControllerRole } from '../src/services/controller-role.js';
import { openStore } from '../src/store/open-store.js';
import { redisService } from '../test/support/services.js';
import { tempDir } from '../test/support/process.js';
import { median, percentile, type Bench, type BenchResult } from './harness.js';

const TRIALS = 50;
const REDIS = 'redis://127.0.0.1:6379';
/** Far longer than a trial: a launch inside it was brought by the change, not by an evaluation falling due. */
const EVALUATION_S = 60;
const LAUNCH_WAIT_MS = 5_000;

const yaml = (list: string) => `
cluster: bench
providers: { sim: { type: sim } }
templates: { small: { provider: sim, image: img, size: m5.large } }
pools:
${['queue', 'pushed', 'pushed-elsewhere']
  .map(
    (name) => `  ${name}:
    template: small
    min: 0
    max: 500
    desired: 0
    maxLaunching: 500
    scaling:
      evaluationInterval: ${EVALUATION_S}
      metrics: { backlog: ${name === 'queue' ? `{ type: redis, url: '${REDIS}', kind: list, key: ${list}, watch: enable }` : '{ type: push }'} }
      policies: [{ type: target-tracking, metric: backlog, target: 100, tolerance: 0 }]`,
  )
  .join('\n')}
`;

/**
 * Issue 20, item 4: from a metric change to the provider's launch call, wired as `flotte up`
 * wires it (ControlPlane, the API with its in-process hand-over, SQLite in a file), on the
 * real clock and a real Redis, with a 60 s evaluation interval so only the change can explain
 * a launch. Three ways in: an LPUSH heard through a keyspace notification; a sample POSTed to
 * this process's API; and one POSTed to an API that does not hand it over (another process's,
 * as with `flotte api` beside `flotte controller`), which the controller finds in the store.
 * Each trial crosses the target by one machine; the time is the sim's own record of the call.
 */
export const metricsPushBench: Bench = async () => {
  if (!(await redisService().probe())) {
    console.warn('metrics-push bench: Redis unreachable at 127.0.0.1:6379, skipped');
    return [];
  }
  const redis = new Redis(REDIS);
  const flags = ((await redis.config('GET', 'notify-keyspace-events')) as string[])[1] ?? '';
  const list = `flotte-bench:push:${process.pid}`;
  const dir = tempDir('flotte-bench-push-');
  const store = await openStore(undefined, { dataDir: dir });
  const log = pino({ level: 'silent' });
  const clock = realClock;
  const parsed = parseConfig(yaml(list), 'bench');
  if (!parsed.ok) throw new Error(`bench config must parse: ${JSON.stringify(parsed.errors)}`);
  await store.applyConfig(parsed.applied, clock.now());
  const sim = new SimCloud({ bootSeconds: { min: 1, max: 2 } }, clock);
  const providers = new Map([['sim', decorateProvider(sim, { clock })]]);
  const role = await ControllerRole.claim({ store, database: join(dir, 'state.db'), dataDir: dir, log });
  const plane = await ControlPlane.prepare({ store, providers, clock, cluster: 'bench', log, role });
  const here = await buildApp({ store, clock, parseConfig, wake: () => plane.loop.wake(), samplesPushed: (s) => plane.pushed.deliver(s) });
  const elsewhere = await buildApp({ store, clock, parseConfig });
  const urls = { here: await here.listen({ host: '127.0.0.1', port: 0 }), elsewhere: await elsewhere.listen({ host: '127.0.0.1', port: 0 }) };
  const { secret } = await issueToken(store, { name: 'bench', role: 'pusher', createdBy: 'bench' }, clock.now());
  await plane.run();

  const random = new Random(20);
  const launchAfter = async (t0: number): Promise<number> => {
    for (;;) {
      const call = sim.calls.find((c) => c.action === 'launch' && c.at >= t0);
      if (call) return call.at - t0;
      if (Date.now() - t0 > LAUNCH_WAIT_MS) throw new Error(`no launch within ${LAUNCH_WAIT_MS} ms of a change`);
      await clock.sleep(1);
    }
  };
  const trials = async (change: (i: number) => Promise<void>): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 1; i <= TRIALS; i++) {
      // Past the change gap, at a random phase of the controller's 2 s tick.
      await clock.sleep(300 + random.next() * 700);
      const t0 = Date.now();
      await change(i);
      out.push(await launchAfter(t0));
    }
    return out;
  };
  const post = async (url: string, pool: string, value: number) => {
    const res = await fetch(`${url}/api/v1/pools/${pool}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ samples: [{ metric: 'backlog', value }] }) });
    if (res.status !== 200) throw new Error(`push answered ${res.status}: ${await res.text()}`);
  };

  const load0 = loadavg()[0]!;
  let lpush: number[];
  let pushed: number[];
  let elsewhereMs: number[];
  try {
    // The first evaluations (nothing queued, nothing pushed) open the sources; the Redis one turns keyspace events on.
    await clock.sleep(1_500);
    lpush = await trials(async () => void (await redis.lpush(list, ...Array.from({ length: 100 }, (_, j) => `job-${j}`))));
    pushed = await trials((i) => post(urls.here, 'pushed', i * 100));
    elsewhereMs = await trials((i) => post(urls.elsewhere, 'pushed-elsewhere', i * 100));
  } finally {
    await plane.close();
    await here.close();
    await elsewhere.close();
    await store.close();
    await redis.del(list);
    await redis.config('SET', 'notify-keyspace-events', flags);
    redis.disconnect();
  }
  const detail = { trials: TRIALS, evaluationIntervalS: EVALUATION_S, cores: cpus().length, loadAverage1m: { before: load0, after: loadavg()[0] } };
  const figures = (what: string, xs: number[]): BenchResult[] => [
    { name: `${what} → launch call, median`, value: median(xs), unit: 'ms', target: { op: '<', value: 200 }, detail: { ...detail, latencies: xs } },
    { name: `${what} → launch call, p99`, value: percentile(xs, 99), unit: 'ms', target: { op: '<', value: 500 }, detail },
  ];
  return [...figures('LPUSH crossing the target (Redis keyspace notification)', lpush), ...figures('HTTP push to the API of the same process', pushed), ...figures("HTTP push to another process's API (via the store)", elsewhereMs)];
};
