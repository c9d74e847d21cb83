import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { testApp, type TestApp } from '../../test/support/api.js';

// A pool's scaling section names where its metrics come from, and those addresses and headers
// may carry credentials. Anyone who may read pools (viewers) sees the pool; never the credentials.
const FLEET = `
cluster: secrets
providers: { sim: { type: sim } }
templates: { small: { provider: sim, image: img-1, size: m5.large } }
pools:
  jobs:
    template: small
    min: 0
    max: 10
    scaling:
      metrics:
        queue: { type: redis, url: "redis://worker:Q7-s3cret@redis.internal:6379/2", kind: list, key: jobs }
        backlog: { type: http-json, url: "https://ops:H8-s3cret@stats.internal/q", path: depth, headers: { Authorization: "Bearer tok-9f2c-s3cret", Accept: application/json } }
      policies:
        - { type: target-tracking, metric: queue, target: 10 }
        - { type: target-tracking, metric: backlog, target: 10 }
`;

let store: Store;
let t: TestApp;
beforeEach(async () => {
  store = await openStore(':memory:');
  const clock = new VirtualClock();
  const parsed = parseConfig(FLEET, 'flotte.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await store.applyConfig(parsed.applied, clock.now());
  t = await testApp({ store, clock, parseConfig });
});
afterEach(async () => {
  await t.app.close();
  await store.close();
});

describe('pool views keep metric credentials out', () => {
  it('a viewer sees where metrics come from, never a password or a header value', async () => {
    const viewer = await t.as('viewer');
    for (const url of ['/api/v1/pools', '/api/v1/pools/jobs']) {
      const res = await t.app.inject({ method: 'GET', url, headers: viewer.headers });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toMatch(/s3cret/);
      expect(res.body).toContain('redis.internal:6379');
      expect(res.body).toContain('stats.internal');
    }
    const pool = (await t.app.inject({ method: 'GET', url: '/api/v1/pools/jobs', headers: viewer.headers })).json();
    expect(pool.scaling.metrics.queue.url).toBe('redis://worker:***@redis.internal:6379/2');
    expect(pool.scaling.metrics.backlog.headers).toEqual({ Authorization: '***', Accept: '***' });
  });
});
