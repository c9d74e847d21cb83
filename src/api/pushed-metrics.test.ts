import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from '../../test/support/route-examples.js';
import type { PushedSample } from '../domain/scaling/pushed.js';

/** The fixture's `batch` pool declares `queue: { type: push }` beside `backlog`, a trace. */
describe('POST /api/v1/pools/:name/metrics', () => {
  let fx: Fixture;
  const handed: PushedSample[][] = [];
  beforeAll(async () => {
    fx = await fixture({ samplesPushed: (s) => handed.push([...s]) });
  });
  afterAll(() => fx.close());

  const push = async (body: unknown, role: 'pusher' | 'viewer' | 'operator' | null = 'pusher', pool = 'batch') =>
    fx.app.inject({ method: 'POST', url: `/api/v1/pools/${pool}/metrics`, headers: role ? await fx.as(role) : {}, payload: body as object });

  it('a pusher token stores the sample and hands it to the controller in this process at once', async () => {
    handed.length = 0;
    const before = Date.now();
    const res = await push({ samples: [{ metric: 'queue', value: 42 }] });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ pool: string; accepted: number; samples: { metric: string; value: number; at: string }[] }>();
    expect(body).toMatchObject({ pool: 'batch', accepted: 1, samples: [{ metric: 'queue', value: 42 }] });
    // Without an `at`, the sample is as of its arrival.
    expect(Date.parse(body.samples[0]!.at)).toBeGreaterThanOrEqual(before);
    const kept = await fx.store.pushedMetrics.latest(['batch']);
    expect(kept).toMatchObject([{ pool: 'batch', metric: 'queue', value: 42, at: Date.parse(body.samples[0]!.at) }]);
    expect(handed).toEqual([kept]);
  });

  it("a batch keeps each metric's newest sample, whatever the order it came in", async () => {
    const t = Date.now();
    const at = (ms: number) => new Date(t - ms).toISOString();
    const res = await push({ samples: [{ metric: 'queue', value: 7, at: at(1_000) }, { metric: 'queue', value: 9, at: at(0) }, { metric: 'queue', value: 8, at: at(500) }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 3 });
    expect((await fx.store.pushedMetrics.latest(['batch']))[0]).toMatchObject({ value: 9, at: t });
  });

  it('no token is 401; a viewer is 403 and told which roles may push; an operator may', async () => {
    expect((await push({ samples: [{ metric: 'queue', value: 1 }] }, null)).statusCode).toBe(401);
    const denied = await push({ samples: [{ metric: 'queue', value: 1 }] }, 'viewer');
    expect(denied.statusCode).toBe(403);
    expect(denied.json<{ error: { message: string } }>().error.message).toMatch(/metrics:push.*admin, operator, pusher/);
    expect((await push({ samples: [{ metric: 'queue', value: 1 }] }, 'operator')).statusCode).toBe(200);
  });

  it('a pusher token may do nothing else', async () => {
    const headers = await fx.as('pusher');
    expect((await fx.app.inject({ method: 'GET', url: '/api/v1/pools/batch', headers })).statusCode).toBe(403);
    expect((await fx.app.inject({ method: 'PUT', url: '/api/v1/pools/batch/desired', headers, payload: { desired: 3 } })).statusCode).toBe(403);
  });

  it('refuses a metric that is not pushed, naming the field and the fix, and stores nothing of the batch', async () => {
    handed.length = 0;
    const before = await fx.store.pushedMetrics.latest(['batch']);
    const res = await push({ samples: [{ metric: 'queue', value: 5 }, { metric: 'backlog', value: 1 }, { metric: 'queu', value: 2 }] });
    expect(res.statusCode).toBe(400);
    const problems = res.json<{ error: { problems: { field: string; message: string }[] } }>().error.problems;
    expect(problems).toEqual([
      { field: 'body.samples.1.metric', message: 'metric "backlog" of pool batch is read from trace, not pushed (push one of queue)' },
      { field: 'body.samples.2.metric', message: 'pool batch has no pushed metric "queu" (push one of queue)' },
    ]);
    expect(await fx.store.pushedMetrics.latest(['batch'])).toEqual(before);
    expect(handed).toEqual([]);
  });

  it('a pool without pushed metrics says how to declare one; an unknown pool is 404', async () => {
    const res = await push({ samples: [{ metric: 'queue', value: 5 }] }, 'pusher', 'analysis');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { problems: unknown[] } }>().error.problems).toEqual([{ field: 'body.samples.0.metric', message: 'pool analysis has no pushed metric "queue" (declare it in flotte.yaml as pools.analysis.scaling.metrics.queue: { type: push })' }]);
    expect((await push({ samples: [{ metric: 'queue', value: 5 }] }, 'pusher', 'nope')).statusCode).toBe(404);
  });

  it('names each malformed field: a missing value, a string value, a bad time, a time ahead of the clock, no samples', async () => {
    const fields = async (body: unknown) => (await push(body)).json<{ error: { problems: { field: string; message: string }[] } }>().error.problems;
    expect((await fields({ samples: [{ metric: 'queue' }, { metric: 'queue', value: '3' }] })).map((p) => p.field)).toEqual(['body.samples.0.value', 'body.samples.1.value']);
    expect(await fields({ samples: [{ metric: 'queue', value: 1, at: 'yesterday' }] })).toEqual([{ field: 'body.samples.0.at', message: 'an ISO 8601 time like 2026-01-02T03:04:05Z (or leave it out: the time of arrival)' }]);
    const ahead = await fields({ samples: [{ metric: 'queue', value: 1, at: new Date(Date.now() + 600_000).toISOString() }] });
    expect(ahead).toHaveLength(1);
    expect(ahead[0]!.field).toBe('body.samples.0.at');
    expect(ahead[0]!.message).toMatch(/^is 600 s ahead of this server's clock \(at most 60 s\): check the pusher's clock/);
    expect((await fields({ samples: [] })).map((p) => p.field)).toEqual(['body.samples']);
    expect((await fields({ metric: 'queue', value: 1 })).map((p) => p.field)).toEqual(['body.samples', 'body']);
  });

  it('accepted pushes stay out of the audit log (a feed, not a change); refused ones are in it', async () => {
    // By id, not by time: the previous test's last refusal may share this millisecond.
    const after = (await fx.store.listAudit()).at(-1)?.id ?? 0;
    await push({ samples: [{ metric: 'queue', value: 11 }] });
    await push({ samples: [{ metric: 'nope', value: 11 }] });
    const records = (await fx.store.listAudit({ after })).filter((r) => r.action === 'POST /api/v1/pools/:name/metrics');
    expect(records.map((r) => [r.status, r.result])).toEqual([[400, 'invalid_request']]);
  });
});
