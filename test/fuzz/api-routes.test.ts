import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/api/errors.js';
import { fixture, type Fixture } from '../support/route-examples.js';
import { tempDir } from '../support/process.js';
import { mutated, render, style, validFleet } from './fleet-model.js';
import { nearValid, valid, type JsonSchema } from './from-schema.js';
import { changedTables, StoreState } from './store-state.js';
import { FUZZ_TIMEOUT_MS, fuzzParams, nastyString, report, tally } from './support.js';

// Every route of the OpenAPI document the app serves, called through app.inject() over a real
// SQLite store by an admin (so permission is never what refuses), with params, query and body
// generated from the route's own request schemas: valid, near-valid, arbitrary, hostile.
// Properties: never a 5xx; a 4xx is the documented error shape; a refusal changes nothing
// (every table compared before and after, the audit log aside, which records the refusal).

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }[];
  body?: JsonSchema;
}

interface Request {
  op: Operation;
  url: string;
  payload?: string;
  contentType?: string;
  kind: string;
}

// The stream never ends on its own: test/fuzz/event-cursors.test.ts fuzzes it over real HTTP.
const STREAMS = new Set(['GET /api/v1/events/stream']);

let fx: Fixture;
let state: StoreState;
let admin: Record<string, string>;
let operations: Operation[];
const seen = tally();
const figures = { '5xx': 0, 'state changes on refusal': 0, '2xx': 0 };

beforeAll(async () => {
  const file = join(tempDir('flotte-fuzz-api-'), 'state.db');
  // A budget no fuzz run reaches: the limiter is not what this suite is about (src/api/limits.test.ts is).
  fx = await fixture({ rateLimit: { capacity: 1e9, refillPerSecond: 1e9 } }, file);
  state = new StoreState(file);
  admin = await fx.as('admin');
  const doc = (await fx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters: Operation['params']; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([m, op]) => ({ method: m.toUpperCase(), path, params: op.parameters, ...(op.requestBody ? { body: op.requestBody.content['application/json']!.schema } : {}) })),
  );
  operations = operations.filter((o) => !STREAMS.has(`${o.method} ${o.path}`));
});
afterAll(async () => {
  report('API requests', seen, figures);
  state?.close();
  await fx?.close();
});

/** Ids the fixture made (so a request can reach a real pool, machine, operation…) and hostile ones. */
const pathValue = (schema: JsonSchema): fc.Arbitrary<{ text: string; raw: boolean }> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known()).map((text) => ({ text, raw: false })) },
    { weight: 2, arbitrary: valid(schema).map((v) => ({ text: String(v), raw: false })) },
    { weight: 2, arbitrary: nastyString().map((text) => ({ text, raw: false })) },
    { weight: 1, arbitrary: fc.constantFrom('..', '.', '%00', 'a%00b', '%2e%2e', '..%2f..%2fetc', '%zz', '%', '%c0%ae', '%ff').map((text) => ({ text, raw: true })) },
  );

function known(): string[] {
  const s = fx.seeded;
  return [s.pool, 'batch', s.machine, 'm-2', 'b-1', s.operation, s.env, s.tokenId, 'does-not-exist'];
}

const queryValue = (schema: JsonSchema): fc.Arbitrary<string | string[] | undefined> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: valid(schema).map((v) => String(v)) },
    { weight: 2, arbitrary: nastyString() },
    { weight: 1, arbitrary: fc.constantFrom('-1', '0', '1.5', '1e3', 'NaN', 'Infinity', '9007199254740993', '', 'true', '[]', '{}') },
    { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 5 }), { minLength: 2, maxLength: 3 }) },
  );

const bodyOf = (schema: JsonSchema | undefined): fc.Arbitrary<{ kind: string; payload?: string; contentType?: string }> => {
  const json = (kind: string, a: fc.Arbitrary<unknown>) => a.map((v) => ({ kind, payload: JSON.stringify(v), contentType: 'application/json' }));
  const options = [
    { weight: 2, arbitrary: json('arbitrary-json', fc.jsonValue({ maxDepth: 3 })) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', 'nul', '[1,]', '\u0000', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {"x": 1}}}').map((payload) => ({ kind: 'malformed', payload, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x').map((contentType) => ({ kind: 'content-type', payload: 'a=1', contentType })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((n) => ({ kind: 'huge', payload: JSON.stringify({ source: 'x'.repeat(n * 700_000) }), contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 3_000 }).map((n) => ({ kind: 'deep', payload: `${'['.repeat(n)}${']'.repeat(n)}`, contentType: 'application/json' })) },
  ];
  if (schema) {
    options.push({ weight: 6, arbitrary: json('valid', valid(schema)) }, { weight: 6, arbitrary: json('near-valid', nearValid(schema)) });
  }
  return fc.oneof(...options);
};

/**
 * Apply's `source` is a whole flotte.yaml: a random string never gets past the parser, so most
 * of its bodies are generated fleets, valid or broken in one field. The fixture's own pools are
 * not in them, so an apply that is not a dry run is a removal: refused without allowDestroy.
 */
const fleetSource = fc.oneof(fc.tuple(validFleet, style).map(([d, s]) => render(d, s)), fc.tuple(mutated, style).map(([m, s]) => render(m.doc, s)));
const applyBody = fc
  .record({ source: fleetSource, file: fc.constantFrom('flotte.yaml', 'prod/flotte.yaml', '../x.yaml'), dryRun: fc.boolean(), allowDestroy: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) })
  .map((v) => ({ kind: 'fleet', payload: JSON.stringify(v), contentType: 'application/json' }));

const requestFor = (op: Operation): fc.Arbitrary<Request> => {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  return fc
    .record({
      path: fc.tuple(...pathParams.map((p) => pathValue(p.schema))),
      query: fc.tuple(...queryParams.map((p) => queryValue(p.schema))),
      extra: fc.option(fc.tuple(nastyString(), nastyString()), { freq: 8, nil: undefined }),
      body: op.path === '/api/v1/apply' ? fc.oneof({ weight: 3, arbitrary: applyBody }, { weight: 1, arbitrary: bodyOf(op.body) }) : op.body || op.method !== 'GET' ? bodyOf(op.body) : fc.constant({ kind: 'none' as string }),
    })
    .map(({ path, query, extra, body }) => {
      let i = 0;
      const url = op.path.replace(/\{\w+\}/g, () => {
        const v = path[i++]!;
        return v.raw ? v.text : encode(v.text);
      });
      const pairs: [string, string][] = [];
      queryParams.forEach((p, j) => {
        const v = query[j];
        if (v === undefined) return;
        for (const one of Array.isArray(v) ? v : [v]) pairs.push([p.name, one]);
      });
      if (extra) pairs.push(extra);
      const qs = pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
      return { op, url: qs ? `${url}?${qs}` : url, ...body };
    });
};

/** Percent-encoding of the UTF-8 a client would send; a lone surrogate goes as U+FFFD, as it would on the wire. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('API fuzz: every route of the OpenAPI document, as an admin', () => {
  it('never a 5xx; a refusal is the documented error shape and changes nothing', async () => {
    expect(operations.length).toBeGreaterThan(30);
    const anyRequest = fc.constantFrom(...operations).chain(requestFor);
    await fc.assert(
      fc.asyncProperty(anyRequest, async (req) => {
        seen.cases++;
        const before = state.snapshot();
        const audits = state.auditCount();
        const res = await fx.app.inject({
          method: req.op.method as 'GET',
          url: req.url,
          headers: { ...admin, ...(req.contentType ? { 'content-type': req.contentType } : {}) },
          ...(req.payload !== undefined ? { payload: req.payload } : {}),
        });
        const what = `${req.op.method} ${req.url.slice(0, 300)} (${req.kind}${req.payload ? `: ${req.payload.slice(0, 300)}` : ''}) → ${res.statusCode} ${res.body.slice(0, 500)}`;
        if (res.statusCode >= 500) figures['5xx']++;
        expect(res.statusCode, what).toBeLessThan(500);
        if (res.statusCode < 400) {
          seen.accepted++;
          figures['2xx']++;
          return;
        }
        seen.refused++;
        expect(res.headers['content-type'], what).toMatch(/^application\/json/);
        const { error } = res.json() as { error: { code: keyof typeof ERROR_CODES; message: string; problems?: { field: string; message: string }[] } };
        expect(Object.keys(ERROR_CODES), what).toContain(error.code);
        expect(typeof error.message === 'string' && error.message.length > 0, what).toBe(true);
        for (const p of error.problems ?? []) expect(typeof p.field === 'string' && typeof p.message === 'string', what).toBe(true);
        // Refusals of the request's framing (413 too large, 414 path parameter too long, 415 media type) keep their HTTP status under invalid_request.
        if (res.statusCode !== ERROR_CODES[error.code]) expect([error.code, [413, 414, 415].includes(res.statusCode)], what).toEqual(['invalid_request', true]);
        const changed = changedTables(before, state.snapshot());
        if (changed.length) figures['state changes on refusal']++;
        expect(changed, `a refusal changed ${changed.join(', ')}: ${what}`).toEqual([]);
        const audited = state.auditCount() - audits;
        expect(audited, what).toBeLessThanOrEqual(MUTATING.has(req.op.method) ? 1 : 0);
      }),
      fuzzParams(),
    );
  }, FUZZ_TIMEOUT_MS);
});
