import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { issueToken } from '../src/api/tokens.js';
import { parseConfig } from '../src/config/load.js';
import type { ServedCall } from '../src/providers/sim/serve/wire.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { getJson, tempDir, waitFor } from './support/process.js';
import { freshPgSchema, postgresService, serviceSuite } from './support/services.js';
import { startService, type ServiceProcess } from './support/services-proc.js';

const LEASE_MS = 3_000;
const SIM = { seed: 4, zones: ['sim-a'], bootSeconds: { min: 1, max: 2 }, rebootSeconds: { min: 2, max: 3 } };

await serviceSuite(postgresService(), 'HA: an in-flight bulk operation survives kill -9 of its controller (PostgreSQL, real processes)', () => {
  const procs: ServiceProcess[] = [];
  const schema = freshPgSchema();
  const dir = tempDir('flotte-haop-');
  let store: Store;
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await store?.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a rolling restart owned by the killed controller is resumed by the survivor and finishes; every machine rebooted, none launched twice', async () => {
    store = await openStore(schema.url);
    const sim = await startService('sim-server', ['sim-server', '--latency', '200', '--options', JSON.stringify(SIM)]);
    procs.push(sim);
    const yaml = `cluster: haop\nproviders:\n  sim: ${JSON.stringify({ type: 'sim', server: sim.url, ...SIM })}\ntemplates:\n  small: { provider: sim, image: img-1, size: m5.large }\npools:\n  web: { template: small, min: 0, max: 50, desired: 12 }\n  other: { template: small, min: 0, max: 50, desired: 2 }\n`;
    const parsed = parseConfig(yaml, 'haop.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await store.applyConfig(parsed.applied, Date.now());
    const token = (await issueToken(store, { name: 'haop', role: 'admin', createdBy: 'test' }, Date.now())).secret;
    const ctl = () => startService('controller', ['controller', '--database', schema.url, '--data-dir', dir, '--interval', '500', '--lease', String(LEASE_MS), '--log-level', 'info']);
    const [api, c1, c2] = await Promise.all([startService('api', ['api', '--database', schema.url, '--data-dir', dir]), ctl(), ctl()]);
    procs.push(api, c1, c2);
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<T>;
    };
    await waitFor('web at 12 ready', async () => (await call<{ ready: number }>('GET', '/api/v1/pools/web')).ready === 12, 90_000);
    const views = await Promise.all([c1, c2].map(async (c) => ({ c, s: await getJson<{ leases: { lease: string }[] }>(`${c.url}/status`) })));
    const owner = views.find((x) => x.s.leases.some((l) => l.lease === 'pool:web'))!.c;

    const { operation } = await call<{ operation: { id: string } }>('POST', '/api/v1/operations', { kind: 'restart', pool: 'web', strategy: { kind: 'rolling', batchSize: 2 } });
    await waitFor('the restart under way in its pool owner', async () => {
      const items = await store.listOperationItems(operation.id);
      return items.some((i) => i.status === 'done') && items.some((i) => i.status === 'pending');
    }, 60_000);
    await owner.kill();
    const op = await waitFor('the operation finished', async () => {
      const o = await store.getOperation(operation.id);
      return o && !['running', 'paused'].includes(o.status) && o;
    }, 120_000);
    expect(op.status).toBe('succeeded');
    const items = await store.listOperationItems(operation.id);
    expect(items.map((i) => i.status)).toEqual(items.map(() => 'done'));

    const calls = await getJson<ServedCall[]>(`${sim.url}/calls`);
    const rebooted = new Set(calls.filter((c) => c.method === 'reboot').flatMap((c) => c.ids ?? []));
    expect(items.every((i) => rebooted.has(i.machine))).toBe(true);
    // Both owners rebooted some: the survivor resumed what the dead one started.
    const callers = new Set(calls.filter((c) => c.method === 'reboot').map((c) => c.caller));
    expect(callers.size).toBe(2);
    const made = new Map<string, number>();
    for (const c of calls) if (c.method === 'launch' && (c.created ?? 0) > 0) made.set(c.token!, (made.get(c.token!) ?? 0) + 1);
    expect([...made.values()].every((n) => n === 1)).toBe(true);
    const live = (await getJson<{ tags: Record<string, string>; status: string }[]>(`${sim.url}/machines`)).filter((m) => m.tags['flotte:pool'] === 'web' && m.status !== 'terminated');
    expect(live).toHaveLength(12);
  }, 300_000);
});
