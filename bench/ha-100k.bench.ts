import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import pg from 'pg';
import { parseConfig } from '../src/config/load.js';
import { EC2_LIMITS } from '../src/providers/aws/constants.js';
import { openStore } from '../src/store/open-store.js';
import { tempDir, waitFor } from '../test/support/process.js';
import { freshPgSchema, postgresService, postgresUrl } from '../test/support/services.js';
import { startService, type ServiceProcess } from '../test/support/services-proc.js';
import { ensureBuilt, type Bench, type BenchResult } from './harness.js';

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const CONTROLLERS = env('FLOTTE_BENCH_HA_CONTROLLERS', 3);
const POOLS = env('FLOTTE_BENCH_HA_POOLS', 100);
const PER_POOL = env('FLOTTE_BENCH_HA_PER_POOL', 1_000);
/** Pause between a controller's ticks: 1 ms is back to back, as the `ha` bench; FLOTTE_BENCH_HA_INTERVAL_MS=2000 is the default deployment. */
const INTERVAL_MS = env('FLOTTE_BENCH_HA_INTERVAL_MS', 1);
const WINDOW_S = env('FLOTTE_BENCH_HA_WINDOW_S', 30);
const CONVERGE_TIMEOUT_S = env('FLOTTE_BENCH_HA_TIMEOUT_S', 900);
const LEASE_MS = 10_000;
const plenty = { capacity: 1e9, refillPerSecond: 1e9 };
// The cloud is not the limit here: no bucket of it ever throttles. What each tick would cost EC2's describe bucket is reported instead.
// The describe bucket never refills and never runs dry: the tokens it loses are the list pages
// spent (one per 1,000 machines, as EC2's DescribeInstances pages), which each controller's
// /metrics shows as its client-side budget left.
const PAGES_BUDGET = 1e12;
const SIM = { seed: 1, zones: ['sim-a', 'sim-b', 'sim-c'], bootSeconds: { min: 1, max: 2 }, buckets: { describe: { capacity: PAGES_BUDGET, refillPerSecond: 0 }, mutate: plenty, launch: plenty }, instanceBuckets: { launch: plenty, terminate: plenty } };
const DESCRIBE = EC2_LIMITS.buckets.describe;

const poolName = (i: number) => `pool-${String(i).padStart(3, '0')}`;
const configYaml = (simUrl: string) => `
cluster: bench
providers:
  sim: ${JSON.stringify({ type: 'sim', server: simUrl, ...SIM })}
templates:
  small: { provider: sim, image: img-1, size: m5.large }
pools:
${Array.from({ length: POOLS }, (_, i) => `  ${poolName(i)}: { template: small, min: 0, max: ${PER_POOL}, desired: 0, maxLaunching: ${PER_POOL} }`).join('\n')}
`;

/** What a controller's /metrics holds that this bench reads: ticks, provider requests and failures by action kind, store statements by kind, describe tokens left, heap. */
async function scrape(c: ServiceProcess): Promise<{ ticks: number; calls: Record<string, number>; errors: Record<string, number>; statements: Record<string, number>; describeLeft: number; heapUsed: number }> {
  const text = await (await fetch(`${c.url}/metrics`)).text();
  const one = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  const byAction = (metric: string, label = 'action') => {
    const out: Record<string, number> = {};
    for (const m of text.matchAll(new RegExp(`^${metric}\\{[^}]*${label}="(\\w+)"[^}]*\\} (\\S+)$`, 'gm'))) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
    return out;
  };
  return { ticks: one(/^flotte_controller_ticks_total (\S+)$/m), calls: byAction('flotte_provider_calls_total'), errors: byAction('flotte_provider_errors_total'), statements: byAction('flotte_store_statements_total', 'kind'), describeLeft: one(/^flotte_provider_bucket_tokens\{[^}]*action="describe"[^}]*\} (\S+)$/m), heapUsed: one(/^flotte_controller_process_nodejs_heap_size_used_bytes (\S+)$/m) };
}

/** Resident memory now and at its peak, in MB, as the kernel counts it for the process. */
function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
  return { now: kb('VmRSS'), peak: kb('VmHWM') };
}

/** CPU seconds the process has used (user + system), from /proc: what its work cost, whatever else the machine ran. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command; in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The bench database's own counters: it is a database of its own, so other suites' traffic on the server is not in them. */
const PG_COUNTERS = ['xact_commit', 'xact_rollback', 'tup_returned', 'tup_fetched', 'tup_inserted', 'tup_updated', 'tup_deleted'] as const;
type PgCounters = Record<(typeof PG_COUNTERS)[number], number>;
async function pgCounters(client: pg.Client, db: string): Promise<PgCounters> {
  const { rows } = await client.query<Record<string, string>>(`select ${PG_COUNTERS.join(', ')} from pg_stat_database where datname = $1`, [db]);
  return Object.fromEntries(PG_COUNTERS.map((k) => [k, Number(rows[0]![k])])) as PgCounters;
}
/** Per table of the bench's schema: scans and rows read, to say where the reads of pg_stat_database go. */
async function tableReads(client: pg.Client, schema: string): Promise<Map<string, number[]>> {
  const { rows } = await client.query<Record<string, string>>('select relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch from pg_stat_user_tables where schemaname = $1', [schema]);
  return new Map(rows.map((r) => [r.relname!, [r.seq_scan, r.seq_tup_read, r.idx_scan, r.idx_tup_fetch].map((v) => Number(v ?? 0))]));
}
const tableDelta = (a: Map<string, number[]>, b: Map<string, number[]>) =>
  Object.fromEntries([...b].map(([t, v]) => [t, v.map((x, i) => x - (a.get(t)?.[i] ?? 0))] as const).filter(([, v]) => v.some((x) => x > 0)).map(([t, [seqScans, seqRows, idxScans, idxRows]]) => [t, { seqScans, seqRows, idxScans, idxRows }]));

/** Statements a controller sent between two scrapes (flotte_store_statements_total), per second, all kinds and by kind. */
const statementsPerS = (a: Record<string, number>, b: Record<string, number>, seconds: number) => {
  const byKind = Object.fromEntries(Object.entries(b).map(([k, v]) => [k, (v - (a[k] ?? 0)) / seconds]));
  return { perS: Object.values(byKind).reduce((n, v) => n + v, 0), byKind };
};
const sumStatements = (all: ReturnType<typeof statementsPerS>[]) => ({
  perS: all.reduce((n, s) => n + s.perS, 0),
  byKind: all.reduce<Record<string, number>>((out, s) => {
    for (const [k, v] of Object.entries(s.byKind)) out[k] = (out[k] ?? 0) + v;
    return out;
  }, {}),
});

const pgDelta = (a: PgCounters, b: PgCounters, seconds: number, ownXacts = 0) => ({
  xactPerS: (b.xact_commit + b.xact_rollback - a.xact_commit - a.xact_rollback - ownXacts) / seconds,
  tuplesWrittenPerS: (b.tup_inserted + b.tup_updated + b.tup_deleted - a.tup_inserted - a.tup_updated - a.tup_deleted) / seconds,
  tuplesReadPerS: (b.tup_returned + b.tup_fetched - a.tup_returned - a.tup_fetched) / seconds,
});

/** Ends a process gracefully (its leases handed back), and by SIGKILL when it takes longer than 20 s. */
async function end(p: ServiceProcess): Promise<void> {
  const timer = setTimeout(() => void p.kill(), 20_000);
  await p.stop();
  clearTimeout(timer);
}

/**
 * Issue 20: 100,000 machines across the HA control plane. One sim cloud served over HTTP
 * (`flotte sim serve --face flotte`), three `flotte controller` processes sharing 100 pools ×
 * 1,000 machines through PostgreSQL leases, each listing only the pools it holds. Separate
 * processes, so each controller's resident memory is its own. PostgreSQL gets a database of its
 * own so its pg_stat_database counters (transactions) are this bench's alone; the statements are
 * each controller's own count, `flotte_store_statements_total` on its /metrics. FLOTTE_BENCH_HA_POOLS and
 * FLOTTE_BENCH_HA_PER_POOL shrink it (10 × 1,000 to try it out).
 */
export const ha100kBench: Bench = async () => {
  if (!(await postgresService().probe())) {
    console.warn('ha-100k bench: PostgreSQL unreachable, skipped');
    return [];
  }
  ensureBuilt();
  const spawnEnv = { FLOTTE_CLI: 'dist' };
  const total = POOLS * PER_POOL;
  const db = `flotte_bench_${randomBytes(6).toString('hex')}`;
  const server = new pg.Client({ connectionString: postgresUrl() });
  await server.connect();
  await server.query(`create database "${db}"`);
  const dbUrl = new URL(postgresUrl());
  dbUrl.pathname = `/${db}`;
  const schema = freshPgSchema(dbUrl.toString());
  const dir = tempDir('flotte-ha100k-');
  const procs: ServiceProcess[] = [];
  const watch = new pg.Client({ connectionString: dbUrl.toString() });
  const progress = (s: string) => console.error(`[ha-100k] ${new Date().toISOString().slice(11, 19)} ${s}`);
  // Interrupted (Ctrl-C, a timeout's SIGTERM), the bench still takes its processes down with it.
  const killAll = () => procs.forEach((p) => p.proc.kill('SIGKILL'));
  const interrupted = (signal: NodeJS.Signals) => {
    killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', killAll).on('SIGINT', interrupted).on('SIGTERM', interrupted);
  try {
    await watch.connect();
    const store = await openStore(schema.url);
    try {
      const sim = await startService('sim', ['sim', 'serve', '--face', 'flotte', '--options', JSON.stringify(SIM)], spawnEnv);
      procs.push(sim);
      const parsed = parseConfig(configYaml(sim.url), 'ha-100k.yaml');
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      await store.applyConfig(parsed.applied, Date.now());
      const started = await Promise.allSettled(Array.from({ length: CONTROLLERS }, () =>
        startService('controller', ['controller', '--database', schema.url, '--data-dir', dir, '--interval', String(INTERVAL_MS), '--lease', String(LEASE_MS)], spawnEnv)));
      for (const r of started) if (r.status === 'fulfilled') procs.push(r.value);
      const failed = started.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      const controllers = procs.slice(1);
      const held = async (c: ServiceProcess) => ((await (await fetch(`${c.url}/status`)).json()) as { leases: unknown[] }).leases.length;
      await waitFor('every pool held, shared evenly', async () => {
        const counts = await Promise.all(controllers.map(held));
        return counts.reduce((a, b) => a + b, 0) === POOLS && counts.every((n) => n >= Math.floor(POOLS / CONTROLLERS));
      }, 180_000);
      progress(`${CONTROLLERS} controllers hold ${POOLS} pools; scaling each to ${PER_POOL}`);

      const t0 = Date.now();
      const pgAtStart = await pgCounters(watch, db);
      const atStart = await Promise.all(controllers.map(scrape));
      for (let i = 0; i < POOLS; i++) await store.changeDesired(poolName(i), PER_POOL, (from) => ({ at: Date.now(), pool: poolName(i), reason: 'DesiredChanged', message: `desired ${from} → ${PER_POOL}`, data: { from, to: PER_POOL } }));
      let polls = 0;
      let ready = 0;
      for (let last = 0; ; polls++) {
        ready = (await watch.query<{ n: number }>(`select count(*)::int as n from "${schema.schema}".machines where state = 'ready'`)).rows[0]!.n;
        if (ready === total) break;
        const s = (Date.now() - t0) / 1000;
        if (s - last >= 15) {
          last = s;
          progress(`${s.toFixed(0)} s: ${ready} of ${total} ready; rss ${controllers.map((c) => rss(c.pid).now.toFixed(0)).join('/')} MB`);
        }
        if (s > CONVERGE_TIMEOUT_S) throw new Error(`ha-100k: ${ready} of ${total} ready after ${CONVERGE_TIMEOUT_S} s`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
      const convergeMs = Date.now() - t0;
      const pgConverged = await pgCounters(watch, db);
      progress(`converged in ${(convergeMs / 1000).toFixed(1)} s; measuring ${WINDOW_S} s of steady state`);

      const before = await Promise.all(controllers.map(scrape));
      // The launches of the scale-out, as the sim logged them (all kept: a few hundred, under SIM_CALL_LOG), and as the controllers saw them fail.
      const served = ((await (await fetch(`${sim.url}/calls`)).json()) as { method: string; outcome: string; created?: number }[]).filter((c) => c.method === 'launch');
      const launches = { sent: before.reduce((n, b) => n + (b.calls.launch ?? 0), 0), failedAtClient: before.reduce((n, b) => n + (b.errors.launch ?? 0), 0), served: served.length, failedAtSim: served.filter((c) => c.outcome !== 'ok').length, created: served.reduce((n, c) => n + (c.created ?? 0), 0) };
      const cpuBefore = procs.map((p) => cpuSeconds(p.pid));
      const pgBefore = await pgCounters(watch, db);
      const tablesBefore = await tableReads(watch, schema.schema);
      await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
      const after = await Promise.all(controllers.map(scrape));
      const cpu = procs.map((p, i) => cpuSeconds(p.pid) - cpuBefore[i]!);
      const pgAfter = await pgCounters(watch, db);
      const tables = tableDelta(tablesBefore, await tableReads(watch, schema.schema));
      const leases = await Promise.all(controllers.map(held));
      const memory = controllers.map((c) => rss(c.pid));
      const simMemory = rss(sim.pid);

      const per = controllers.map((c, i) => {
        const ticks = after[i]!.ticks - before[i]!.ticks;
        const calls = (kind?: string) => Object.entries(after[i]!.calls).filter(([k]) => !kind || k === kind).reduce((n, [k, v]) => n + v - (before[i]!.calls[k] ?? 0), 0);
        const statements = { converging: statementsPerS(atStart[i]!.statements, before[i]!.statements, convergeMs / 1000), steady: statementsPerS(before[i]!.statements, after[i]!.statements, WINDOW_S) };
        return { pid: c.pid, leases: leases[i]!, ticks, statements, ticksPerS: ticks / WINDOW_S, cpuMsPerTick: (1000 * cpu[i + 1]!) / Math.max(1, ticks),
          // A tick lists once: the pages of one list are the tick's describe tokens (counted per list, as the window may cut a tick between its list and its end).
          describePerTick: (before[i]!.describeLeft - after[i]!.describeLeft) / Math.max(1, calls('describe')), requestsPerTick: calls() / Math.max(1, ticks), rssMb: memory[i]!.now, peakRssMb: memory[i]!.peak, heapUsedMb: after[i]!.heapUsed / 2 ** 20 };
      });
      const round = per.reduce((n, p) => n + p.describePerTick, 0);
      const steady = { ...pgDelta(pgBefore, pgAfter, WINDOW_S), tables };
      const converging = pgDelta(pgAtStart, pgConverged, convergeMs / 1000, polls + 1);
      const statements = { converging: sumStatements(per.map((p) => p.statements.converging)), steady: sumStatements(per.map((p) => p.statements.steady)) };
      const scale = `${POOLS} pools × ${PER_POOL.toLocaleString('en')}`;
      const rows: BenchResult[] = [
        { name: `HA-100k: converge 0 → ${total.toLocaleString('en')} ready, ${CONTROLLERS} controller processes, ${scale}, sim over HTTP, PostgreSQL`, value: convergeMs / 1000, unit: 's', target: { op: '<', value: 900 }, detail: { intervalMs: INTERVAL_MS } },
        { name: `HA-100k: launch requests that failed at the controllers while converging, ${scale}`, value: launches.failedAtClient, unit: 'calls', detail: launches },
        { name: `HA-100k: machines the sim created while converging, ${scale} (each once: ${total.toLocaleString('en')})`, value: launches.created, unit: 'machines', target: { op: '<', value: total + 1 } },
        { name: `HA-100k: PostgreSQL transactions/s while converging (pg_stat_database, ${scale})`, value: converging.xactPerS, unit: 'xact/s', detail: converging },
        { name: `HA-100k: PostgreSQL transactions/s, steady state (pg_stat_database, ${scale})`, value: steady.xactPerS, unit: 'xact/s', detail: steady },
        // Every statement the controllers sent (flotte_store_statements_total): queries, begins and commits; the bench's own polling is not in it.
        { name: `HA-100k: PostgreSQL statements/s from all ${CONTROLLERS} controllers while converging (flotte_store_statements_total, ${scale})`, value: statements.converging.perS, unit: 'stmt/s', detail: statements.converging.byKind },
        { name: `HA-100k: PostgreSQL statements/s from all ${CONTROLLERS} controllers, steady state (flotte_store_statements_total, ${scale})`, value: statements.steady.perS, unit: 'stmt/s', detail: statements.steady.byKind },
        // One round of every controller's list against EC2's describe bucket: it fits the burst (100 tokens) when under it, and refills in round / 20 s.
        { name: `HA-100k: describe tokens per round of all ${CONTROLLERS} controllers, ${scale} (EC2 bucket ${DESCRIBE.capacity}, +${DESCRIBE.refillPerSecond}/s)`, value: round, unit: 'calls', target: { op: '<', value: DESCRIBE.capacity + 1 } },
        { name: `HA-100k: seconds of EC2 describe refill per round of all controllers, ${scale}`, value: round / DESCRIBE.refillPerSecond, unit: 's' },
        { name: `HA-100k: sim server resident memory (${total.toLocaleString('en')} machines)`, value: simMemory.now, unit: 'MB', detail: { peakMb: simMemory.peak } },
        { name: `HA-100k: sim server CPU share, steady state (${total.toLocaleString('en')} machines)`, value: (100 * cpu[0]!) / WINDOW_S, unit: '% of a core' },
      ];
      per.forEach((p, i) => {
        const who = `controller ${i + 1} (${p.leases} pools)`;
        rows.push({ name: `HA-100k: ${who} ticks/s`, value: p.ticksPerS, unit: 'ticks/s', detail: { ticks: p.ticks, windowS: WINDOW_S } });
        rows.push({ name: `HA-100k: ${who} PostgreSQL statements/s while converging`, value: p.statements.converging.perS, unit: 'stmt/s', detail: p.statements.converging.byKind });
        rows.push({ name: `HA-100k: ${who} PostgreSQL statements/s, steady state`, value: p.statements.steady.perS, unit: 'stmt/s', detail: { ...p.statements.steady.byKind, perTick: (p.statements.steady.perS * WINDOW_S) / Math.max(1, p.ticks) } });
        rows.push({ name: `HA-100k: ${who} CPU per tick`, value: p.cpuMsPerTick, unit: 'ms' });
        rows.push({ name: `HA-100k: ${who} resident memory`, value: p.rssMb, unit: 'MB', detail: { peakMb: p.peakRssMb, heapUsedMb: p.heapUsedMb } });
        rows.push({ name: `HA-100k: ${who} requests per tick, all kinds`, value: p.requestsPerTick, unit: 'calls' });
        rows.push({ name: `HA-100k: ${who} describe tokens (list pages) per tick`, value: p.describePerTick, unit: 'calls', target: { op: '<', value: DESCRIBE.capacity + 1 } });
      });
      console.error(JSON.stringify({ per, steady, converging, statements, round, simMemory, launches }, null, 2));
      return rows;
    } finally {
      await store.close();
    }
  } finally {
    // Every process this bench started ends here, whatever happened above.
    await Promise.all(procs.map((p) => end(p).catch(() => undefined)));
    process.off('exit', killAll).off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await watch.end().catch(() => undefined);
    await server.query(`drop database if exists "${db}" with (force)`).catch((e: unknown) => console.warn(`ha-100k: drop database ${db}: ${String(e)}`));
    await server.end();
    rmSync(dir, { recursive: true, force: true });
  }
};
