import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { EXAMPLES, fixture, send, type Fixture } from '../../test/support/route-examples.js';
import { realClock } from '../clock/clock.js';
import { apiRoutes, type ApiDeps } from './app.js';
import { EventSchema, PoolDetailSchema } from './contract/index.js';
import { ApiMetrics } from './metrics.js';
import { systemRoutes } from './routes/system.js';

type Op = { responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>; 'x-permission': string };

let fx: Fixture;
let doc: { paths: Record<string, Record<string, Op>> };
/** Each route's declared success schema, keyed as Fastify declares the route. */
let declared: Map<string, z.ZodType>;

const keyOf = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
const problems = (schema: z.ZodType, body: unknown) => {
  const r = schema.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

/** Data each kind of answer has at least one of, so every nested schema meets a real value. */
async function seed(f: Fixture): Promise<void> {
  const now = realClock.now();
  const { pool, machine } = f.seeded;
  await f.store.appendEvents([
    { at: now, pool, machine, reason: 'Ready', message: `${machine} is ready`, data: { zone: 'sim-a' } },
    { at: now, pool, reason: 'DesiredChanged', message: 'desired 3 → 4', data: { from: 3, to: 4 } },
  ]);
  await f.store.recordDecision({
    pool: 'batch',
    at: now,
    current: 1,
    recommendation: 2,
    desired: 2,
    inputs: [{ metric: 'backlog', value: 20, at: now }, { metric: 'queue', problem: 'stale' }],
    proposals: [{ policy: 'backlog', type: 'target-tracking', desired: 2, why: 'backlog 20 over target 10' }],
    adjustments: [{ stage: 'bounds', from: 3, to: 2, why: 'max step' }],
    dryRun: false,
    summary: '1 → 2: backlog 20 over target 10',
  });
  await f.store.setCondition({ pool, type: 'HealingPaused', since: now, reason: 'MassFailure', message: 'paused' });
  await f.store.appendAudit({ at: now, actor: 'as-admin', tokenId: 't-1', role: 'admin', action: 'PUT /api/v1/pools/:name/desired', pool, params: { body: { desired: 4 } }, status: 200, result: 'ok', source: '127.0.0.1' });
}

beforeAll(async () => {
  fx = await fixture();
  await seed(fx);
  doc = JSON.parse((await send(fx, 'GET', { url: '/api/openapi.json' }, {})).body);
  // The same declarations the app registers; building them reads nothing.
  const deps = { store: fx.store, clock: realClock, parseConfig: () => ({ ok: false, errors: [] }) } as ApiDeps;
  const routes = [...systemRoutes(deps, new ApiMetrics({ clock: realClock }), () => []), ...apiRoutes(deps)];
  declared = new Map(routes.map((r) => [keyOf(r.method, r.url), r.response]));
});
afterAll(() => fx.close());

describe('API contract', () => {
  it('every documented success has a non-empty response schema', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const success = Object.entries(op.responses).filter(([s]) => s.startsWith('2'));
        expect(success.length, keyOf(m, path)).toBeGreaterThan(0);
        for (const [status, r] of success) {
          const schemas = Object.values(r.content ?? {}).map((c) => c.schema ?? {});
          expect(schemas.length, `${keyOf(m, path)} ${status}`).toBeGreaterThan(0);
          for (const s of schemas) expect(Object.keys(s), `${keyOf(m, path)} ${status} has an empty schema`).not.toEqual([]);
        }
      }
    }
  });

  it("each documented route's real answer matches its declared schema", async () => {
    const failures: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const key = keyOf(m, path);
        const schema = declared.get(key);
        const example = EXAMPLES[key];
        if (!schema || !example) {
          failures.push(`${key}: ${schema ? 'no example in test/support/route-examples.ts' : 'no declared response schema'}`);
          continue;
        }
        // Reads share the seeded fixture; a change gets a fresh one so each answers from the same start.
        const target = m === 'get' ? fx : await fixture();
        try {
          const res = await send(target, m.toUpperCase(), example(target.seeded), op['x-permission'] === 'public' ? {} : await target.as('admin'));
          if (res.status >= 300) {
            failures.push(`${key}: answered ${res.status} ${res.body.slice(0, 200)}`);
            continue;
          }
          const json = (res.headers.get('content-type') ?? '').startsWith('application/json');
          for (const p of problems(schema, json ? JSON.parse(res.body) : res.body)) failures.push(`${key}: ${p}`);
        } finally {
          if (target !== fx) await target.close();
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('a body that drifts from its schema is caught: an extra key, a missing key, a wrong type', async () => {
    const pool = JSON.parse((await send(fx, 'GET', { url: `/api/v1/pools/${fx.seeded.pool}` }, await fx.as('viewer'))).body) as Record<string, unknown>;
    expect(problems(PoolDetailSchema, pool)).toEqual([]);
    expect(problems(PoolDetailSchema, { ...pool, colour: 'blue' })).not.toEqual([]);
    const { ready: _ready, ...withoutReady } = pool;
    expect(problems(PoolDetailSchema, withoutReady)).not.toEqual([]);
    expect(problems(EventSchema, { id: '1', at: new Date(0).toISOString(), pool: 'p', reason: 'Ready', message: '' })).not.toEqual([]);
  });
});
