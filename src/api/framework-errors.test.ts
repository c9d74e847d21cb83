import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../../test/support/api.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

// URLs Fastify's router refuses before any route runs (found by test/fuzz/api-routes.test.ts):
// they must still answer flotte's documented error shape, not Fastify's own.

let store: Store;
let t: TestApp;
beforeEach(async () => {
  store = await openStore(':memory:');
  t = await testApp({ store, clock: new VirtualClock(Date.UTC(2026, 11, 6, 9)), parseConfig });
});
afterEach(async () => {
  await t.app.close();
  await store.close();
});

describe('URLs the router refuses', () => {
  it('a path parameter longer than the router takes is a 414 in the documented error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/environments/${'x'.repeat(200)}`, headers: t.headers });
    expect(res.statusCode).toBe(414);
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: expect.stringMatching(/too long/) } });
  });

  it('a path with a broken percent-encoding is a 400 in the documented error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/pools/%zz', headers: t.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: expect.stringMatching(/percent-encoding/) } });
  });
});
