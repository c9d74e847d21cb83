import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { testApp, type TestApp } from '../../test/support/api.js';

let store: Store;
let t: TestApp;
beforeEach(async () => {
  store = await openStore(':memory:');
  t = await testApp({ store, clock: new VirtualClock(), parseConfig });
});
afterEach(async () => {
  await t.app.close();
  await store.close();
});

const PLAN = `duration: 1h
workload:
  trace: { constant: 50 }
scenarios:
  - name: fixed
    provider: aws
    size: { name: m5.large, throughput: 10, pricePerHour: 0.1 }
    pool: { min: 6, max: 6, initial: 6 }
`;

describe('POST /api/v1/plan', () => {
  it('replays the plan and returns the comparison, to a viewer too', async () => {
    const viewer = await t.as('viewer');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/plan', headers: { ...t.headers, ...viewer.headers }, payload: { source: PLAN } });
    expect(res.statusCode).toBe(200);
    const s = res.json().scenarios[0];
    expect(s).toMatchObject({ name: 'fixed', cost: { total: 0.6 }, machineHours: 6, queueDelay: { max: 0 } });
  });

  it('answers a bad plan with every problem at its line and column', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/plan', headers: t.headers, payload: { source: PLAN.replace('throughput: 10', 'throughput: fast'), file: 'p.yaml' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_config', errors: [{ file: 'p.yaml', line: 7, path: 'scenarios[0].size.throughput' }] });
  });

  it('refuses a CSV path (the server reads no file) and a plan too big for one request', async () => {
    const csv = await t.app.inject({ method: 'POST', url: '/api/v1/plan', headers: t.headers, payload: { source: PLAN.replace('{ constant: 50 }', '{ csv: /etc/passwd }') } });
    expect(csv.statusCode).toBe(400);
    expect(csv.json().error.code).toBe('invalid_request');
    const big = await t.app.inject({ method: 'POST', url: '/api/v1/plan', headers: t.headers, payload: { source: PLAN.replace('duration: 1h', 'duration: 90d') } });
    expect(big.statusCode).toBe(400);
    expect(big.json().error).toMatchObject({ code: 'out_of_bounds', max: 300000 });
  });

  it('needs a token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/plan', payload: { source: PLAN } });
    expect(res.statusCode).toBe(401);
  });
});
