import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { issueToken } from '../src/api/tokens.js';
import type { ServedCall } from '../src/providers/sim/serve/wire.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { getJson, tempDir, waitFor } from './support/process.js';
import { freshPgSchema, postgresService, serviceSuite, type PgSchema } from './support/services.js';
import { startService, type ServiceProcess } from './support/services-proc.js';
import type { PoolDetail as PoolBody } from '../src/api/contract/index.js';

// Short periods keep the suite quick: a lease lasts 3 s, controllers tick every 0.5 s.
const LEASE_MS = 3_000;
const POOLS = Array.from({ length: 10 }, (_, i) => `p${i}`);
// Launches are slow to answer (the cloud acts at once, the answer takes 1 s) and small
// (5 machines a call), so a scale-out keeps a controller in flight long enough to kill or freeze
// it: with 400 ms, a freeze sent after the test saw the call in flight could land after the answer.
const SIM = { seed: 3, zones: ['sim-a'], bootSeconds: { min: 1, max: 2 }, launchPerCall: 5, buckets: { launch: { capacity: 100, refillPerSecond: 50 } } };
const LATENCY_MS = 1_000;

const configYaml = (simUrl: string) => `
cluster: ha
providers:
  sim: ${JSON.stringify({ type: 'sim', server: simUrl, ...SIM })}
templates:
  small: { provider: sim, image: img-1, size: m5.large }
pools:
${POOLS.map((p) => `  ${p}: { template: small, min: 0, max: 200, desired: 2 }`).join('\n')}
`;

interface Status {
  member: string;
  pid: number;
  leases: { lease: string; token: number }[];
}
await serviceSuite(postgresService(), 'highly available control plane (3 controllers, 2 API replicas, PostgreSQL, real processes)', () => {
  let schema: PgSchema;
  let store: Store;
  let dir: string;
  let token: string;
  let sim: ServiceProcess;
  const apis: ServiceProcess[] = [];
  const controllers: ServiceProcess[] = [];
  const all = () => [sim, ...apis, ...controllers].filter(Boolean);

  const startController = () =>
    startService('controller', ['controller', '--database', schema.url, '--data-dir', dir, '--interval', '500', '--lease', String(LEASE_MS), '--log-level', 'info']);
  const statusOf = (c: ServiceProcess) => getJson<Status>(`${c.url}/status`);
  const pidOf = (holder: string | undefined) => Number(holder?.split(':')[1]);
  const liveLeases = async () => new Map((await store.listLeases()).filter((l) => l.live && l.name.startsWith('pool:')).map((l) => [l.name.slice(5), l]));
  const calls = () => getJson<ServedCall[]>(`${sim.url}/calls`);
  let rr = 0;
  /** The round-robin client: each request goes to the next API replica. */
  const api = async (method: string, path: string, body?: unknown) => {
    const base = apis[rr++ % apis.length]!.url;
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<PoolBody>;
  };
  const converged = (pool: string, n: number) => waitFor(`${pool} at ${n} ready`, async () => {
    const p = await api('GET', `/api/v1/pools/${pool}`);
    return p.desired === n && p.ready === n;
  }, 60_000);
  /** Nothing launched twice: no token made machines in two requests, and the cloud holds exactly what the pools want. */
  const assertNothingTwice = async () => {
    const made = new Map<string, number>();
    for (const c of await calls()) if (c.method === 'launch' && (c.created ?? 0) > 0) made.set(c.token!, (made.get(c.token!) ?? 0) + 1);
    expect([...made.values()].every((n) => n === 1)).toBe(true);
    const machines = await getJson<{ tags: Record<string, string>; status: string }[]>(`${sim.url}/machines`);
    for (const p of POOLS) {
      const live = machines.filter((m) => m.tags['flotte:pool'] === p && m.status !== 'terminated' && m.status !== 'terminating').length;
      expect({ pool: p, live }).toEqual({ pool: p, live: (await store.getPool(p))!.desired });
    }
  };

  beforeAll(async () => {
    schema = freshPgSchema();
    dir = tempDir('flotte-ha-');
    store = await openStore(schema.url);
    sim = await startService('sim-server', ['sim-server', '--latency', String(LATENCY_MS), '--options', JSON.stringify(SIM)]);
    const parsed = parseConfig(configYaml(sim.url), 'ha.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await store.applyConfig(parsed.applied, Date.now());
    token = (await issueToken(store, { name: 'ha-test', role: 'admin', createdBy: 'test' }, Date.now())).secret;
    const [a, b, ...c] = await Promise.allSettled([
      startService('api', ['api', '--database', schema.url, '--data-dir', dir]),
      startService('api', ['api', '--database', schema.url, '--data-dir', dir]),
      startController(),
      startController(),
      startController(),
    ]);
    for (const r of [a!, b!]) if (r.status === 'fulfilled') apis.push(r.value);
    for (const r of c) if (r.status === 'fulfilled') controllers.push(r.value);
    const failed = [a!, b!, ...c].find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }, 240_000);

  afterAll(async () => {
    await Promise.all(all().map((p) => p.kill()));
    await store?.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('10 pools: exactly one owner per pool at every sampled moment, spread evenly, all converged', async () => {
    await waitFor('every pool owned', async () => (await liveLeases()).size === POOLS.length);
    for (const p of POOLS) await converged(p, 2);
    for (let sample = 0; sample < 25; sample++) {
      const views = await Promise.all(controllers.map(statusOf));
      const leases = await liveLeases();
      const owners = POOLS.map((p) => views.filter((v) => v.leases.some((l) => l.lease === `pool:${p}`)).map((v) => v.pid));
      expect(owners.every((o) => o.length === 1)).toBe(true);
      expect(POOLS.map((p, i) => pidOf(leases.get(p)?.holder) === owners[i]![0])).toEqual(POOLS.map(() => true));
      expect(views.map((v) => v.leases.length).sort()).toEqual([3, 3, 4]);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  it('kill -9 of a controller mid-launch: its pools are taken over within 15 s and its launch resumes, nothing launched twice', async () => {
    const victim = controllers[0]!;
    const theirs = (await statusOf(victim)).leases.map((l) => l.lease.slice(5));
    const pool = theirs[0]!;
    await api('PUT', `/api/v1/pools/${pool}/desired`, { desired: 40 });
    await waitFor('a launch in flight from the victim', async () => {
      const inflight = await getJson<ServedCall[]>(`${sim.url}/inflight`);
      return inflight.some((c) => c.method === 'launch' && c.caller.endsWith(`:${victim.pid}`));
    });
    const killedAt = Date.now();
    await victim.kill();
    controllers.splice(0, 1);
    const takenOver = await waitFor('its pools taken over', async () => {
      const leases = await liveLeases();
      return theirs.every((p) => leases.has(p) && pidOf(leases.get(p)!.holder) !== victim.pid) && Date.now();
    }, 30_000);
    const takeoverMs = takenOver - killedAt;
    console.log(`[ha] kill -9 → ${theirs.length} pools taken over in ${takeoverMs} ms (lease ${LEASE_MS} ms)`);
    expect(takeoverMs).toBeLessThan(15_000);
    await converged(pool, 40);
    expect((await store.listIntents({ status: 'open' })).length).toBe(0);
    await assertNothingTwice();
  }, 120_000);

  it('SIGSTOP of an owner past its lease: a survivor acts; after SIGCONT its late writes are refused and nothing is done twice', async () => {
    controllers.push(await startController());
    await waitFor('the new controller got its share', async () => (await statusOf(controllers[2]!)).leases.length >= 3);
    const frozen = controllers[0]!;
    const pool = (await statusOf(frozen)).leases[0]!.lease.slice(5);
    await api('PUT', `/api/v1/pools/${pool}/desired`, { desired: 30 });
    await waitFor('a launch in flight from the owner', async () => {
      const inflight = await getJson<ServedCall[]>(`${sim.url}/inflight`);
      return inflight.some((c) => c.method === 'launch' && c.caller.endsWith(`:${frozen.pid}`));
    });
    frozen.freeze();
    const frozenAt = Date.now();
    await waitFor('a survivor holds the pool', async () => {
      const l = (await liveLeases()).get(pool);
      return l && pidOf(l.holder) !== frozen.pid;
    }, 30_000);
    await converged(pool, 30);
    const survivorLaunched = (await calls()).filter((c) => c.at > frozenAt && c.method === 'launch' && !c.caller.endsWith(`:${frozen.pid}`));
    // The survivor takes the frozen owner's launches over: sent anew, or resolved from what the cloud already made of them.
    const survivorResolved = (await store.listEvents({ pool })).filter((e) => e.reason === 'IntentResolved' && e.at > frozenAt);
    expect(survivorLaunched.length + survivorResolved.length).toBeGreaterThan(0);
    frozen.thaw();
    const thawedAt = Date.now();
    await waitFor('the thawed controller hit the fence', async () => frozen.output().includes('fenced: the database refused a write'), 15_000);
    await new Promise((r) => setTimeout(r, LEASE_MS));
    const late = (await calls()).filter((c) => c.caller.endsWith(`:${frozen.pid}`) && c.at >= thawedAt && c.method === 'launch');
    expect(late.filter((c) => (c.created ?? 0) > 0)).toEqual([]);
    expect(frozen.proc.exitCode, frozen.output().slice(-3000)).toBeNull();
    const metrics = await (await fetch(`${frozen.url}/metrics`)).text();
    expect(Number(/flotte_controller_fenced_refusals (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    await converged(pool, 30);
    await assertNothingTwice();
  }, 120_000);

  it('rolling SIGTERM restart of every controller: no pool unowned for longer than one lease period, no launch failed', async () => {
    // Two views of "owned", sampled every 50 ms: a live lease in the database, and a controller
    // that says (in /status) it holds the pool and acts on it. The second is what a user feels.
    const gaps = { lease: new Gap(), acting: new Gap() };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [leases, views] = await Promise.all([liveLeases(), Promise.all([...controllers].map((c) => statusOf(c).catch(() => undefined)))]);
        const acting = new Set(views.flatMap((v) => v?.leases.map((l) => l.lease.slice(5)) ?? []));
        const now = Date.now();
        for (const p of POOLS) {
          gaps.lease.sample(p, leases.has(p), now);
          gaps.acting.sample(p, acting.has(p), now);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      for (let i = 0; i < 3; i++) {
        const old = controllers.shift()!;
        await old.stop();
        expect(old.proc.exitCode, old.output().slice(-3000)).toBe(0);
        controllers.push(await startController());
        await waitFor('every pool acted on again', async () => {
          const views = await Promise.all(controllers.map(statusOf));
          return new Set(views.flatMap((v) => v.leases.map((l) => l.lease))).size === POOLS.length;
        });
      }
      await new Promise((r) => setTimeout(r, LEASE_MS));
    } finally {
      sampling = false;
      await sampler;
    }
    const worst = { lease: gaps.lease.worst(Date.now()), acting: gaps.acting.worst(Date.now()) };
    console.log(`[ha] rolling restart: longest time a pool went without a live lease ${worst.lease} ms, without a controller acting on it ${worst.acting} ms (lease ${LEASE_MS} ms)`);
    expect(worst.lease).toBeLessThanOrEqual(LEASE_MS);
    expect(worst.acting).toBeLessThanOrEqual(LEASE_MS);
    expect(await store.listIntents({ status: 'failed' })).toEqual([]);
    for (const p of POOLS) await converged(p, (await store.getPool(p))!.desired);
    await assertNothingTwice();
  }, 180_000);

  it('API replicas behind a round-robin client: every read after a write sees that write', async () => {
    rr = 0;
    for (let i = 0; i < 20; i++) {
      const desired = 2 + (i % 3);
      await api('PUT', `/api/v1/pools/p9/desired`, { desired });
      expect((await api('GET', '/api/v1/pools/p9')).desired).toBe(desired);
    }
    expect(rr % 2).toBe(0);
  }, 60_000);
});

/** The longest stretch each key spent without something, from samples. */
class Gap {
  private readonly since = new Map<string, number>();
  private longest = 0;

  sample(key: string, has: boolean, now: number): void {
    const since = this.since.get(key);
    if (has) {
      if (since !== undefined) this.longest = Math.max(this.longest, now - since);
      this.since.delete(key);
    } else if (since === undefined) this.since.set(key, now);
  }

  /** Counting stretches still open at `now`. */
  worst(now: number): number {
    return Math.max(this.longest, ...[...this.since.values()].map((t) => now - t));
  }
}
