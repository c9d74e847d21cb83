import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { operationsPort } from '../src/control/operations/api-port.js';
import { testApp, type TestApp } from './support/api.js';
import { converged } from './support/harness.js';
import { opsHarness, type OpsHarness } from './support/ops.js';

let h: OpsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setup(): Promise<{ o: OpsHarness; api: TestApp }> {
  const o = (h = await opsHarness({ pools: [{ desired: 30 }] }));
  await o.tickUntil(() => converged(o.store, 30));
  const operations = operationsPort({ store: o.store, providers: new Map([['sim', o.provider]]), now: () => o.clock.now(), observeMs: 2_000, wake: () => o.executor.wake() });
  return { o, api: await testApp({ store: o.store, clock: o.clock, parseConfig, operations }) };
}

describe('operations API', () => {
  it('previews with dryRun (changing nothing), starts, shows progress, pauses, resumes, halts all, cancels', async () => {
    const { o, api } = await setup();
    const post = (url: string, payload?: unknown) => api.app.inject({ method: 'POST', url, headers: api.headers, ...(payload ? { payload } : {}) });
    const get = (url: string) => api.app.inject({ method: 'GET', url, headers: api.headers });
    const body = { kind: 'restart', pool: 'analysis', strategy: { kind: 'rolling', maxUnavailable: { count: 5 } } };

    const dry = await post('/api/v1/operations/dry-run', body);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().preview).toMatchObject({ machines: 30, waves: [5, 5, 5, 5, 5, 5], calls: { mutate: 6, launch: 0 } });
    expect((await get('/api/v1/operations')).json().items).toEqual([]);

    const created = await post('/api/v1/operations', body);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().operation.id as string;
    expect((await post('/api/v1/operations', body)).statusCode).toBe(409);
    await o.step();
    await o.step();
    const shown = (await get(`/api/v1/operations/${id}`)).json();
    expect(shown.progress.counts['in-progress']).toBe(5);
    expect(shown.progress.etaMs).toBeGreaterThan(0);
    expect(shown.progress.api.operation.calls).toBeGreaterThan(0);
    expect(shown.progress.api.provider.buckets.mutate.capacity).toBe(200);

    expect((await post(`/api/v1/operations/${id}/pause`)).statusCode).toBe(200);
    await o.step();
    expect((await o.store.getOperation(id))!.status).toBe('paused');
    expect((await post(`/api/v1/operations/${id}/resume`)).statusCode).toBe(200);
    await o.step();
    expect((await o.store.getOperation(id))!.status).toBe('running');

    const stop = await post('/api/v1/operations/stop');
    expect(stop.json().halted).toEqual([id]);
    await o.step();
    expect((await o.store.getOperation(id))!.status).toBe('paused');

    expect((await post(`/api/v1/operations/${id}/cancel`)).statusCode).toBe(200);
    await o.step();
    expect((await o.store.getOperation(id))!.status).toBe('cancelled');
    expect((await post(`/api/v1/operations/${id}/resume`)).statusCode).toBe(409);
    expect((await get(`/api/v1/operations/${id}/items`)).json().items).toHaveLength(30);
  });

  it('rejects bad requests with the error catalog and needs ops:write to change anything', async () => {
    const { api } = await setup();
    const bad = await api.app.inject({ method: 'POST', url: '/api/v1/operations', headers: api.headers, payload: { kind: 'explode', pool: 'analysis' } });
    expect(bad.statusCode).toBe(400);
    const unknown = await api.app.inject({ method: 'POST', url: '/api/v1/operations', headers: api.headers, payload: { kind: 'restart', pool: 'nope' } });
    expect(unknown.statusCode).toBe(400);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/operations/op-x', headers: api.headers })).statusCode).toBe(404);
    const viewer = await api.as('viewer');
    const denied = await api.app.inject({ method: 'POST', url: '/api/v1/operations', headers: viewer.headers, payload: { kind: 'restart', pool: 'analysis' } });
    expect(denied.statusCode).toBe(403);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/operations', headers: viewer.headers })).statusCode).toBe(200);
  });
});
