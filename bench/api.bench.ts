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
const CONNECTIONS = 32;
const DURATION_S = 10;
const STATES = ['ready', 'ready', 'ready', 'booting', 'draining'] as const;

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** autocannon in a process of its own, so the server's CPU time can be told apart from the load generator's. */
async function cannon(url: string, authorization: string, seconds: number, encoding: string): Promise<CannonResult> {
  const args = [AUTOCANNON, '-j', '-c', String(CONNECTIONS), '-d', String(seconds), '-H', `authorization=${authorization}`, '-H', `accept-encoding=${encoding}`, url];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as CannonResult;
}

/**
 * `GET /api/v1/pools/:name` of a 1,000-machine pool, through auth, rate limiting, metrics and
 * the revision check, on the default SQLite store in a file, with autocannon on the same
 * machine. The per-token budget is lifted: this measures the server, not the limiter's
 * refusals. Server CPU per request is reported too: unlike req/s, it does not move with
 * whatever else the machine is running.
 */
export const apiBench: Bench = async () => {
  const store = await openStore(join(tempDir('flotte-bench-'), 'state.db'));
  const parsed = parseConfig(FIXTURE_YAML, 'bench');
  if (!parsed.ok) throw new Error('bench config must parse');
  await store.applyConfig(parsed.applied, realClock.now());
  const now = realClock.now();
  await store.saveMachines(
    Array.from({ length: MACHINES }, (_, i) =>
      machine(`i-${String(i).padStart(17, '0')}`, { zone: `sim-${'abc'[i % 3]}`, state: STATES[i % STATES.length], since: now - i * 1000, launchedAt: now - i * 1000, readyAt: now - i * 500, labels: { team: 'data' } }),
    ),
  );
  const app = await buildApp({ store, clock: realClock, parseConfig, rateLimit: { capacity: 1e9, refillPerSecond: 1e9 } });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const { secret } = await issueToken(store, { name: 'bench', role: 'viewer', createdBy: 'bench' }, now);
  const url = `${base}/api/v1/pools/analysis`;
  const authorization = `Bearer ${secret}`;
  const check = await fetch(url, { headers: { authorization } });
  const bytes = (await check.arrayBuffer()).byteLength;
  if (check.status !== 200) throw new Error(`GET ${url}: ${check.status}`);
  // Warm-up, then one run as most clients ask (fetch, curl --compressed and browsers send
  // accept-encoding: gzip) and one as a client that takes only identity.
  await cannon(url, authorization, 2, 'gzip');
  const runs = [];
  for (const encoding of ['gzip', 'identity']) {
    const cpu0 = process.cpuUsage();
    const r = await cannon(url, authorization, DURATION_S, encoding);
    const cpu = process.cpuUsage(cpu0);
    const detail = { encoding, connections: CONNECTIONS, durationS: DURATION_S, total: r.requests.total, cpuUsPerRequest: (cpu.user + cpu.system) / r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, p50: r.latency.p50, p90: r.latency.p90, max: r.latency.max };
    if (r.non2xx || r.errors) throw new Error(`API bench had failures: ${JSON.stringify(detail)}`);
    runs.push({ r, detail });
  }
  await app.close();
  await store.close();
  const [gzip, identity] = runs as [(typeof runs)[number], (typeof runs)[number]];
  return [
    { name: 'API GET pool of 1,000 machines (gzip), throughput', value: gzip.r.requests.average, unit: 'req/s', target: { op: '>', value: 2000 }, detail: { ...gzip.detail, identityBytes: bytes } },
    { name: 'API GET pool of 1,000 machines (gzip), p99 latency', value: gzip.r.latency.p99, unit: 'ms', target: { op: '<', value: 50 }, detail: gzip.detail },
    { name: 'API GET pool of 1,000 machines (gzip), server CPU per request', value: gzip.detail.cpuUsPerRequest, unit: 'µs' },
    { name: 'API GET pool of 1,000 machines (identity), throughput', value: identity.r.requests.average, unit: 'req/s', detail: identity.detail },
    { name: 'API GET pool of 1,000 machines (identity), p99 latency', value: identity.r.latency.p99, unit: 'ms', detail: identity.detail },
    { name: 'API GET pool of 1,000 machines (identity), server CPU per request', value: identity.detail.cpuUsPerRequest, unit: 'µs' },
  ];
};
