import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { demoConfigYaml } from '../config/demo.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { testApp, type TestApp } from '../../test/support/api.js';

let store: Store;
let t: TestApp;
beforeEach(async () => {
  store = await openStore(':memory:');
  const clock = new VirtualClock();
  const parsed = parseConfig(demoConfigYaml(), 'demo');
  if (!parsed.ok) throw new Error('demo config must parse');
  await store.applyConfig(parsed.applied, clock.now());
  t = await testApp({ store, clock, parseConfig });
});
afterEach(async () => {
  await t.app.close();
  await store.close();
});

describe('pools API', () => {
  it('lists pools with counts per state', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/pools', headers: t.headers });
    expect(res.statusCode).toBe(200);
    const pool = res.json().items.find((p: { name: string }) => p.name === 'analysis');
    expect(pool).toMatchObject({ name: 'analysis', desired: 50, ready: 0, counts: { ready: 0, booting: 0 } });
  });

  it('unknown pool is a 404 that names it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/pools/nope', headers: t.headers });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found', message: 'pool "nope" does not exist' });
  });

  it('a size outside [min, max] is a 400 that says the bounds, and changes nothing', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/pools/analysis/desired', headers: t.headers, payload: { desired: 501 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'out_of_bounds', min: 0, max: 500, problems: [{ field: 'body.desired' }] });
    expect((await store.getPool('analysis'))!.desired).toBe(50);
  });

  it('a malformed body names the field at fault', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/pools/analysis/desired', headers: t.headers, payload: { desired: 'lots' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems[0].field).toBe('body.desired');
  });

  it('setting desired stores it and writes an event', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/pools/analysis/desired', headers: t.headers, payload: { desired: 80 } });
    expect(res.statusCode).toBe(200);
    expect((await store.getPool('analysis'))!.desired).toBe(80);
    const events = await t.app.inject({ method: 'GET', url: '/api/v1/pools/analysis/events', headers: t.headers });
    expect(events.json().items.at(-1)).toMatchObject({ reason: 'DesiredChanged', message: 'desired 50 → 80' });
  });
});
