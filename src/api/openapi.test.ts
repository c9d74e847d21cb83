import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, fixture, send, type Fixture } from '../../test/support/route-examples.js';

let fx: Fixture;
let doc: { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; 'x-permission': string }>> };
beforeAll(async () => {
  fx = await fixture();
  doc = JSON.parse((await send(fx, 'GET', { url: '/api/openapi.json' }, {})).body);
});
afterAll(() => fx.close());

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every route the server has, and nothing it does not', () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(new Set(documented)).toEqual(new Set(Object.keys(EXAMPLES)));
    for (const key of documented) {
      const [method, url] = key.split(' ');
      expect(fx.app.hasRoute({ method: method as 'GET', url: url! }), key).toBe(true);
    }
  });

  it('each documented route, called once with a caller allowed to, answers its documented success status', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const key = `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
        // A route without an example is named by the test above.
        if (!EXAMPLES[key]) continue;
        const target = m === 'get' ? fx : await fixture();
        const res = await send(target, m.toUpperCase(), EXAMPLES[key]!(target.seeded), op['x-permission'] === 'public' ? {} : await target.as('admin'));
        if (target !== fx) await target.close();
        const success = Object.keys(op.responses).find((s) => s.startsWith('2'))!;
        // A dry-run operation is a preview (200) rather than a creation (201).
        expect([success, ...(key === 'POST /api/v1/operations' ? ['200'] : [])], `${key}: ${res.body.slice(0, 200)}`).toContain(String(res.status));
      }
    }
  });

  it('a request with several bad fields is one 400 naming every field path and message', async () => {
    const admin = await fx.as('admin');
    const res = await send(fx, 'POST', { url: '/api/v1/tokens', body: { name: '', role: 'root', ttlSeconds: -5, colour: 'blue' } }, admin);
    expect(res.status).toBe(400);
    const { error } = JSON.parse(res.body) as { error: { code: string; problems: { field: string; message: string }[] } };
    expect(error.code).toBe('invalid_request');
    expect(error.problems.map((p) => p.field).sort()).toEqual(['body', 'body.name', 'body.role', 'body.ttlSeconds']);
    for (const p of error.problems) expect(p.message.length).toBeGreaterThan(0);
    const both = await send(fx, 'GET', { url: '/api/v1/audit?limit=0&since=yesterday' }, admin);
    expect(JSON.parse(both.body).error.problems.map((p: { field: string }) => p.field).sort()).toEqual(['query.limit', 'query.since']);
  });
});
