import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_YAML } from '../../test/support/route-examples.js';
import { tempDir } from '../../test/support/process.js';
import { testApp } from '../../test/support/api.js';
import { realClock } from '../clock/clock.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { machine } from '../../test/support/domain-fixtures.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function seeded(url = ':memory:'): Promise<Store> {
  const store = await openStore(url);
  stores.push(store);
  const parsed = parseConfig(FIXTURE_YAML, 'fixture');
  if (!parsed.ok) throw new Error('fixture must parse');
  if (!(await store.currentConfig())) await store.applyConfig(parsed.applied, realClock.now());
  return store;
}

describe('API limits', () => {
  it('per-token rate limit: 429 with Retry-After once the burst is spent, per token, and back after the refill', async () => {
    const clock = new VirtualClock();
    const store = await seeded();
    const t = await testApp({ store, clock, parseConfig, rateLimit: { capacity: 3, refillPerSecond: 1 } });
    const get = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/v1/pools', headers });
    for (let i = 0; i < 3; i++) expect((await get(t.headers)).statusCode).toBe(200);
    const limited = await get(t.headers);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json().error.code).toBe('rate_limited');
    expect((await get((await t.as('viewer')).headers)).statusCode).toBe(200);
    await clock.advance(1000);
    expect((await get(t.headers)).statusCode).toBe(200);
    await t.app.close();
  });

  it('a body over the limit is refused with 413 before any handler runs', async () => {
    const store = await seeded();
    const t = await testApp({ store, clock: realClock, parseConfig });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: t.headers, payload: { source: 'x'.repeat(2 * 1024 * 1024) } });
    expect(res.statusCode).toBe(413);
    expect(await store.currentConfig()).toMatchObject({ cluster: 'routes' });
    await t.app.close();
  });

  it('a handler past its deadline answers 503 instead of hanging the caller', async () => {
    const store = await seeded();
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    // The store answers, but slowly: a database under a long lock.
    const slow = new Proxy(store, { get: (s, k) => (k === 'getPool' ? async (n: string) => (await stuck, s.getPool(n)) : Reflect.get(s, k)) }) as Store;
    const t = await testApp({ store: slow, clock: realClock, parseConfig, handlerTimeoutMs: 100 });
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/pools/analysis/desired', headers: t.headers, payload: { desired: 4 } });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('unavailable');
    release();
    await t.app.close();
  });

  it('every list pages with a cursor', async () => {
    const store = await seeded();
    const t = await testApp({ store, clock: realClock, parseConfig });
    for (const n of ['a', 'b', 'c']) await t.as('viewer', `tok-${n}`);
    const ids: string[] = [];
    let next: string | null = null;
    do {
      const page: { items: { id: string }[]; next: string | null } = (await t.app.inject({ url: `/api/v1/tokens?limit=2${next ? `&after=${next}` : ''}`, headers: t.headers })).json();
      ids.push(...page.items.map((i) => i.id));
      next = page.next;
    } while (next);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    const first = (await t.app.inject({ url: '/api/v1/pools?limit=1', headers: t.headers })).json();
    expect(first).toMatchObject({ items: [{ name: 'analysis' }], next: 'analysis' });
    const second = (await t.app.inject({ url: `/api/v1/pools?limit=1&after=${first.next}`, headers: t.headers })).json();
    expect(second).toMatchObject({ items: [{ name: 'batch' }], next: null });
    await t.app.close();
  });

  it('request logs carry method, route, status and caller, never the token or user-data', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const store = await seeded();
    const t = await testApp({ store, clock: realClock, parseConfig, logger: pino({ level: 'debug' }, sink) });
    const secret = t.headers.authorization!.split(' ')[1]!;
    const userData = '#!/bin/sh\nexport DB_PASSWORD=hunter2-user-data';
    const source = `${FIXTURE_YAML.replace('size: m5.large', `size: m5.large\n    userData: ${JSON.stringify(userData)}`)}`;
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: t.headers, payload: { source } })).statusCode).toBe(200);
    await t.app.inject({ method: 'GET', url: '/api/v1/pools/analysis', headers: t.headers });
    await t.app.inject({ method: 'GET', url: '/api/v1/pools', headers: { authorization: 'Bearer flt_wrong-one' } });
    await t.app.close();
    const text = lines.join('');
    expect(text).toContain('"route":"/api/v1/apply"');
    expect(text).toContain('"status":401');
    expect(text).toContain('"caller":"test-admin"');
    for (const leak of [secret, 'flt_wrong-one', 'hunter2', 'authorization', 'Bearer']) expect(text).not.toContain(leak);
    expect(JSON.stringify(await store.listAudit())).not.toContain('hunter2');
  });
});

describe('GET /api/v1/pools/:name is cached, and never stale', () => {
  it('sees a write made through another connection (another process) at once', async () => {
    const file = join(tempDir(), 'state.db');
    const api = await seeded(file);
    const controller = await seeded(file);
    await controller.saveMachines([machine('m-1'), machine('m-2')]);
    const t = await testApp({ store: api, clock: realClock, parseConfig });
    const show = async () => (await t.app.inject({ url: '/api/v1/pools/analysis', headers: t.headers })).json();
    expect((await show()).machines.map((m: { id: string }) => m.id)).toEqual(['m-1', 'm-2']);
    expect((await show()).machines).toHaveLength(2);
    await controller.saveMachines([machine('m-2', { state: 'draining' }), machine('m-3', { state: 'booting' })]);
    const after = await show();
    expect(after.machines.map((m: { id: string; state: string }) => `${m.id}:${m.state}`)).toEqual(['m-1:ready', 'm-2:draining', 'm-3:booting']);
    const zipped = await t.app.inject({ url: '/api/v1/pools/analysis', headers: { ...t.headers, 'accept-encoding': 'gzip, deflate' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString())).toEqual(after);
    await controller.setDesired('analysis', 9);
    expect((await show()).desired).toBe(9);
    await t.app.inject({ method: 'PUT', url: '/api/v1/pools/analysis/desired', headers: t.headers, payload: { desired: 5 } });
    expect((await show()).desired).toBe(5);
    await t.app.close();
  });
});
