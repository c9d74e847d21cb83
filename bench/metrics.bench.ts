import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildApp } from '../src/api/app.js';
import { issueToken } from '../src/api/tokens.js';
import { realClock } from '../src/clock/clock.js';
import { parseConfig } from '../src/config/load.js';
import { machine } from '../test/support/domain-fixtures.js';
import { openStore } from '../src/store/open-store.js';
import { FIXTURE_YAML } from '../test/support/route-examples.js';
import { tempDir } from '../test/support/process.js';
import type { Bench } from './harness.js';

const MACHINES = 1_000;
/** About what the trial's 20 s scale storm left behind. */
const EVENTS = 25_000;
const DURATION_S = 5;
const API_CONNECTIONS = 4;

interface CannonResult {
  requests: { average: number; total: number };
  latency: { average: number; p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
}

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const run = promisify(execFile);

/** autocannon in a process of its own; `connections` of 1 is a client scraping in a loop. */
async function cannon(url: string, connections: number, seconds: number, headers: string[] = []): Promise<CannonResult> {
  const args = [AUTOCANNON, '-j', '-c', String(connections), '-d', String(seconds), ...headers.flatMap((h) => ['-H', h]), url];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as CannonResult;
}

/**
 * Finding 13 of issue 15: an authenticated GET while one unauthenticated client scrapes
 * `/metrics` in a loop, against the same GET alone, over a store holding a scale storm's worth
 * of events. The ratio of the two latencies is what a scraper costs everyone else.
 */
export const metricsBench: Bench = async () => {
  const store = await openStore(join(tempDir('flotte-bench-'), 'state.db'));
  const parsed = parseConfig(FIXTURE_YAML, 'bench');
  if (!parsed.ok) throw new Error('bench config must parse');
  const now = realClock.now();
  await store.applyConfig(parsed.applied, now);
  await store.saveMachines(Array.from({ length: MACHINES }, (_, i) => machine(`i-${String(i).padStart(17, '0')}`, { zone: `sim-${'abc'[i % 3]}`, since: now - i * 1000 })));
  await store.appendEvents(Array.from({ length: EVENTS }, (_, i) => ({ at: now - (EVENTS - i) * 10, pool: 'analysis', reason: i % 2 ? 'Launched' : 'DesiredChanged', message: `event ${i}` })));
  const app = await buildApp({ store, clock: realClock, parseConfig, rateLimit: { capacity: 1e9, refillPerSecond: 1e9 } });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const { secret } = await issueToken(store, { name: 'bench', role: 'viewer', createdBy: 'bench' }, now);
  const api = `${base}/api/v1/pools/analysis`;
  const auth = [`authorization=Bearer ${secret}`, 'accept-encoding=gzip'];
  await cannon(api, API_CONNECTIONS, 1, auth);
  const alone = await cannon(api, API_CONNECTIONS, DURATION_S, auth);
  const cpu0 = process.cpuUsage();
  const [scraped, scraper] = await Promise.all([cannon(api, API_CONNECTIONS, DURATION_S, auth), cannon(`${base}/metrics`, 1, DURATION_S)]);
  const cpu = process.cpuUsage(cpu0);
  // The server's own cost per answer in the loop (GETs and scrapes): unlike req/s, it does not move with what else the machine runs.
  const cpuUsPerAnswer = (cpu.user + cpu.system) / (scraped.requests.total + scraper.requests.total);
  // The floor: what any open route costs the others when a client hits it flat out.
  const [probed, prober] = await Promise.all([cannon(api, API_CONNECTIONS, DURATION_S, auth), cannon(`${base}/healthz`, 1, DURATION_S)]);
  await app.close();
  await store.close();
  for (const r of [alone, scraped, scraper, probed, prober]) if (r.non2xx || r.errors) throw new Error(`metrics bench had failures: ${JSON.stringify(r)}`);
  const detail = { machines: MACHINES, events: EVENTS, connections: API_CONNECTIONS, durationS: DURATION_S, scrapes: scraper.requests.total };
  // Mean latency of a closed loop from its throughput (Little's law: connections ÷ req/s). autocannon
  // records whole milliseconds, and these requests take a tenth of one: its own mean only counts
  // the requests that reached 1 ms, and moved by 2× between runs of the same code.
  const mean = (r: CannonResult) => (API_CONNECTIONS / r.requests.average) * 1000;
  const ratio = mean(scraped) / mean(alone);
  const overFloor = mean(scraped) / mean(probed);
  return [
    { name: 'API GET /pools/analysis alone, mean latency', value: mean(alone), unit: 'ms', detail: { ...detail, p99: alone.latency.p99, reqPerS: alone.requests.average } },
    { name: 'API GET /pools/analysis while /metrics is scraped in a loop, mean latency', value: mean(scraped), unit: 'ms', detail: { ...detail, p99: scraped.latency.p99, reqPerS: scraped.requests.average } },
    { name: 'API GET /pools/analysis while /healthz is hit in a loop, mean latency', value: mean(probed), unit: 'ms', detail: { ...detail, p99: probed.latency.p99, probes: prober.requests.total } },
    { name: 'API GET /pools/analysis slowdown under a /metrics scrape loop (mean ratio)', value: ratio, unit: '×', detail },
    { name: 'API GET /pools/analysis under a /metrics loop against under a /healthz loop (mean ratio)', value: overFloor, unit: '×', target: { op: '<', value: 2 }, detail },
    { name: '/metrics scrapes answered in the loop', value: scraper.requests.average, unit: 'req/s', detail: { mean: scraper.latency.average, p99: scraper.latency.p99 } },
    { name: 'server CPU per answer in the /metrics loop (GETs and scrapes)', value: cpuUsPerAnswer, unit: 'µs', detail: { gets: scraped.requests.total, scrapes: scraper.requests.total } },
  ];
};
