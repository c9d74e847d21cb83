import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, fixture, send, type Fixture } from '../../test/support/route-examples.js';
import { ROLES } from '../domain/access.js';
import type { Permission } from './permissions.js';
import { allows } from './roles.js';
import { issueToken } from './tokens.js';

interface DocRoute {
  method: string;
  /** As Fastify declares it (`:name`), the key of EXAMPLES. */
  key: string;
  permission: Permission;
}

/** The routes the OpenAPI document lists, with the permission each declares. */
async function documentedRoutes(fx: Fixture): Promise<DocRoute[]> {
  const doc = JSON.parse((await send(fx, 'GET', { url: '/api/openapi.json' }, {})).body) as { paths: Record<string, Record<string, { 'x-permission': Permission }>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([m, op]) => {
      const method = m.toUpperCase();
      return { method, key: `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`, permission: op['x-permission'] };
    }),
  );
}

let shared: Fixture;
let routes: DocRoute[];
beforeAll(async () => {
  shared = await fixture();
  routes = await documentedRoutes(shared);
});
afterAll(() => shared.close());

/** Reads go to one fixture per role; each change gets a fresh one so changes cannot interfere. */
async function attempt(r: DocRoute, headers: (fx: Fixture) => Promise<Record<string, string>>) {
  const fx = r.method === 'GET' ? shared : await fixture();
  try {
    return await send(fx, r.method, EXAMPLES[r.key]!(fx.seeded), await headers(fx));
  } finally {
    if (fx !== shared) await fx.close();
  }
}

// Routes still missing an example fail the first test below, by name; the others are walked in full.
const userRoutes = () => routes.filter((r) => r.permission !== 'public' && r.permission !== 'agent' && EXAMPLES[r.key]);

describe('permission matrix: every role against every route', () => {
  it('every documented route has an example request', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => !EXAMPLES[r.key]).map((r) => r.key)).toEqual([]);
  });

  for (const role of ROLES) {
    it(`${role}: exactly the allowed routes succeed, every other one is 403`, async () => {
      const outcome: Record<string, number> = {};
      const expected: Record<string, number | 'ok'> = {};
      for (const r of userRoutes()) {
        const res = await attempt(r, (fx) => fx.as(role));
        outcome[r.key] = res.status >= 200 && res.status < 300 ? 200 : res.status;
        expected[r.key] = allows(role, r.permission) ? 200 : 403;
      }
      expect(outcome).toEqual(expected);
    });
  }

  it('public routes answer without a token; agent routes refuse user tokens (they take a join token)', async () => {
    for (const r of routes.filter((x) => x.permission === 'public')) expect((await attempt(r, async () => ({}))).status, r.key).toBe(200);
    for (const r of routes.filter((x) => x.permission === 'agent')) {
      expect((await attempt(r, async () => ({}))).status, r.key).toBe(200);
      const withUserToken = await send(shared, r.method, { ...EXAMPLES[r.key]!(shared.seeded), headers: await shared.as('admin') }, {});
      expect(withUserToken.status, r.key).toBe(401);
    }
  });

  it('no token, a malformed header, an unknown, a revoked or an expired token: 401 on every other route', async () => {
    const now = Date.now();
    const revoked = await issueToken(shared.store, { name: 'gone', role: 'admin', createdBy: 'test' }, now);
    await shared.store.revokeToken(revoked.token.id, now);
    const expired = await issueToken(shared.store, { name: 'old', role: 'admin', ttlMs: 1000, createdBy: 'test' }, now - 60_000);
    const cases: Record<string, Record<string, string>> = {
      none: {},
      malformed: { authorization: 'Basic YWRtaW46YWRtaW4=' },
      unknown: { authorization: 'Bearer flt_not-a-token' },
      revoked: { authorization: `Bearer ${revoked.secret}` },
      expired: { authorization: `Bearer ${expired.secret}` },
    };
    for (const [what, headers] of Object.entries(cases)) {
      for (const r of userRoutes()) {
        const res = await send(shared, r.method, EXAMPLES[r.key]!(shared.seeded), headers);
        expect(res.status, `${what} ${r.key}`).toBe(401);
        expect(JSON.parse(res.body).error.code).toBe('unauthorized');
      }
    }
  });
});
