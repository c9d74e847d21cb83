import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLES, FIXTURE_YAML, fixture, send, type Fixture } from '../../test/support/route-examples.js';
import { REDACTED, redact } from './audit.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

// Pushed metric samples are a feed: only their refusals are recorded (src/api/pushed-metrics.test.ts).
const FEEDS = new Set(['POST /api/v1/pools/:name/metrics']);
const MUTATING = Object.keys(EXAMPLES).filter((k) => !k.startsWith('GET ') && !k.includes('/agents/') && !FEEDS.has(k));

describe('audit log', () => {
  it('every mutating route leaves exactly one record with the caller, its role and the result', async () => {
    for (const key of MUTATING) {
      fx = await fixture();
      const headers = await fx.as('admin');
      const before = await fx.store.listAudit();
      const [method] = key.split(' ');
      const res = await send(fx, method!, EXAMPLES[key]!(fx.seeded), headers);
      expect(res.status, `${key}: ${res.body}`).toBeLessThan(300);
      const after = await fx.store.listAudit();
      expect(after.length - before.length, key).toBe(1);
      expect(after.at(-1), key).toMatchObject({ actor: 'as-admin', role: 'admin', action: key, status: res.status, result: 'ok', source: '127.0.0.1' });
      await fx.close();
      fx = undefined;
    }
  });

  it('a sample, field by field: scale, token creation (secret kept out), apply (document digested), a denied attempt', async () => {
    fx = await fixture();
    const operator = await fx.as('operator');
    const admin = await fx.as('admin');
    const t0 = Date.now();
    await send(fx, 'PUT', { url: `/api/v1/pools/${fx.seeded.pool}/desired`, body: { desired: 9 } }, operator);
    const created = JSON.parse((await send(fx, 'POST', { url: '/api/v1/tokens', body: { name: 'ci', role: 'viewer' } }, admin)).body) as { secret: string };
    await send(fx, 'POST', { url: '/api/v1/apply', body: { source: FIXTURE_YAML } }, operator);
    await send(fx, 'DELETE', { url: `/api/v1/tokens/${fx.seeded.tokenId}` }, operator);
    const [scale, token, apply, denied] = await fx.store.listAudit();

    expect(scale!.id).toBeGreaterThan(0);
    expect(scale!.at).toBeGreaterThanOrEqual(t0);
    expect(scale!.at).toBeLessThanOrEqual(Date.now());
    expect(scale!.actor).toBe('as-operator');
    expect(scale!.role).toBe('operator');
    expect(scale!.tokenId).toMatch(/^tok-/);
    expect(scale!.action).toBe('PUT /api/v1/pools/:name/desired');
    expect(scale!.pool).toBe(fx.seeded.pool);
    expect(scale!.params).toEqual({ params: { name: fx.seeded.pool }, query: {}, body: { desired: 9 } });
    expect(scale!.status).toBe(200);
    expect(scale!.result).toBe('ok');
    expect(scale!.source).toBe('127.0.0.1');

    expect(token).toMatchObject({ actor: 'as-admin', role: 'admin', action: 'POST /api/v1/tokens', status: 201, result: 'ok' });
    expect(token!.params).toEqual({ params: {}, query: {}, body: { name: 'ci', role: 'viewer' } });
    expect(JSON.stringify(await fx.store.listAudit())).not.toContain(created.secret);

    expect(apply!.action).toBe('POST /api/v1/apply');
    const digest = (apply!.params.body as { source: { bytes: number; sha256: string } }).source;
    expect(digest.bytes).toBe(Buffer.byteLength(FIXTURE_YAML));
    expect(digest.sha256).toMatch(/^[0-9a-f]{64}$/);

    expect(denied).toMatchObject({ actor: 'as-operator', action: 'DELETE /api/v1/tokens/:id', status: 403, result: 'forbidden', params: { params: { id: fx.seeded.tokenId } } });
  });

  it('is read back through GET /api/v1/audit with pool and since filters and a cursor', async () => {
    fx = await fixture();
    const admin = await fx.as('admin');
    for (const desired of [4, 5, 6]) await send(fx, 'PUT', { url: `/api/v1/pools/${fx.seeded.pool}/desired`, body: { desired } }, admin);
    await send(fx, 'POST', { url: '/api/v1/tokens', body: { name: 'x', role: 'viewer' } }, admin);
    const page1 = JSON.parse((await send(fx, 'GET', { url: `/api/v1/audit?pool=${fx.seeded.pool}&limit=2` }, admin)).body);
    expect(page1.items.map((r: { params: { body: { desired: number } } }) => r.params.body.desired)).toEqual([4, 5]);
    const page2 = JSON.parse((await send(fx, 'GET', { url: `/api/v1/audit?pool=${fx.seeded.pool}&limit=2&after=${page1.next}` }, admin)).body);
    expect(page2.items.map((r: { params: { body: { desired: number } } }) => r.params.body.desired)).toEqual([6]);
    expect(page2.next).toBeNull();
    const future = JSON.parse((await send(fx, 'GET', { url: `/api/v1/audit?since=${new Date(Date.now() + 60_000).toISOString()}` }, admin)).body);
    expect(future.items).toEqual([]);
  });

  it('newest=true answers the last `limit` records, oldest first, with no next page: what `flotte audit --limit n` shows, read in one request', async () => {
    fx = await fixture();
    const admin = await fx.as('admin');
    for (const desired of [4, 5, 6, 7]) await send(fx, 'PUT', { url: `/api/v1/pools/${fx.seeded.pool}/desired`, body: { desired } }, admin);
    const desiredOf = (page: { items: { params: { body: { desired: number } } }[] }) => page.items.map((r) => r.params.body.desired);
    const last = JSON.parse((await send(fx, 'GET', { url: `/api/v1/audit?pool=${fx.seeded.pool}&limit=2&newest=true` }, admin)).body);
    expect(desiredOf(last)).toEqual([6, 7]);
    expect(last.next).toBeNull();
    const bad = await send(fx, 'GET', { url: '/api/v1/audit?newest=latest' }, admin);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.problems[0].field).toBe('query.newest');
  });

  it('redacts secrets wherever they sit', () => {
    expect(redact({ body: { name: 'n', token: 't', nested: [{ userData: 'x', password: 'p' }], apiKey: 'k' } })).toEqual({
      body: { name: 'n', token: REDACTED, nested: [{ userData: REDACTED, password: REDACTED }], apiKey: REDACTED },
    });
  });
});

describe('audit of hostile bodies (found by test/fuzz/api-routes.test.ts)', () => {
  it('a body nested thousands deep is refused in the documented shape, and its record keeps the top levels only', async () => {
    fx = await fixture();
    const admin = await fx.as('admin');
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const res = await fx.app.inject({ method: 'PUT', url: `/api/v1/pools/${fx.seeded.pool}/desired`, headers: { ...admin, 'content-type': 'application/json' }, payload: deep });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    const record = (await fx.store.listAudit()).at(-1)!;
    expect(record).toMatchObject({ action: 'PUT /api/v1/pools/:name/desired', status: 400, result: 'invalid_request' });
    expect(JSON.stringify(record.params)).toContain('[too deep]');
  });
});
