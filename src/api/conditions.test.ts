import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { demoConfigYaml } from '../config/demo.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { testApp, type TestApp } from '../../test/support/api.js';
import { METRICS_RENDER_MS } from './metrics.js';

let store: Store;
let clock: VirtualClock;
let t: TestApp;
beforeEach(async () => {
  store = await openStore(':memory:');
  clock = new VirtualClock(Date.UTC(2026, 11, 6, 9, 0));
  const parsed = parseConfig(demoConfigYaml(), 'demo');
  if (!parsed.ok) throw new Error('demo config must parse');
  await store.applyConfig(parsed.applied, clock.now());
  t = await testApp({ store, clock, parseConfig });
});
afterEach(async () => {
  await t.app.close();
  await store.close();
});

const get = async (url: string) => (await t.app.inject({ method: 'GET', url, headers: t.headers })).json();
const metric = async (pool: string, type: string) => {
  // /metrics renders at most once per METRICS_RENDER_MS: read it as a scraper a period later would.
  await clock.advance(METRICS_RENDER_MS);
  const text = (await t.app.inject({ method: 'GET', url: '/metrics', headers: t.headers })).body;
  const line = text.split('\n').find((l) => l.startsWith(`flotte_pool_condition{pool="${pool}",type="${type}"}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

describe('pool conditions: what a controller decided, as any API process shows it', () => {
  it('a condition stored by the controller shows in the pool list, the pool, explain and /metrics; cleared, it is gone everywhere', async () => {
    const since = clock.now();
    await store.setCondition({ pool: 'analysis', type: 'ProviderUnavailable', since, reason: 'ListFailed', message: 'provider sim has not answered for 30 s: connect ECONNREFUSED 127.0.0.1:9' });
    const want = { type: 'ProviderUnavailable', since: new Date(since).toISOString(), reason: 'ListFailed', message: 'provider sim has not answered for 30 s: connect ECONNREFUSED 127.0.0.1:9' };

    const list = await get('/api/v1/pools');
    expect(list.items.find((p: { name: string }) => p.name === 'analysis').conditions).toEqual([want]);
    expect(list.items.find((p: { name: string }) => p.name !== 'analysis').conditions).toEqual([]);
    expect((await get('/api/v1/pools/analysis')).conditions).toEqual([want]);
    expect((await get('/api/v1/pools/analysis/decisions')).conditions).toEqual([want]);
    expect(await metric('analysis', 'ProviderUnavailable')).toBe(1);
    expect(await metric('analysis', 'HealingPaused')).toBe(0);

    expect(await store.clearCondition('analysis', 'ProviderUnavailable')).toBe(true);
    expect((await get('/api/v1/pools/analysis')).conditions).toEqual([]);
    expect(await metric('analysis', 'ProviderUnavailable')).toBe(0);
  });

  it('a timed condition (an autoscaling pause for 1 h) shows its end, and no longer holds after it', async () => {
    const until = clock.now() + 3_600_000;
    await store.setCondition({ pool: 'analysis', type: 'AutoscalingPaused', since: clock.now(), reason: 'Requested', message: 'autoscaling paused by admin', until });
    expect((await get('/api/v1/pools/analysis')).conditions).toEqual([expect.objectContaining({ type: 'AutoscalingPaused', until: new Date(until).toISOString() })]);
    expect(await metric('analysis', 'AutoscalingPaused')).toBe(1);
    await clock.advance(3_600_001);
    await store.setDesired('analysis', 51); // a write, so the cached pool body is rendered again
    expect((await get('/api/v1/pools/analysis')).conditions).toEqual([]);
    expect(await metric('analysis', 'AutoscalingPaused')).toBe(0);
  });

  it("the brake's pause is the HealingPaused condition, with the machines it counted kept in the store", async () => {
    await store.setHealingPaused('analysis', { at: clock.now(), reason: '3 of 5 machines failed', machines: ['m-1', 'm-2', 'm-3'] });
    expect((await get('/api/v1/pools/analysis')).conditions).toEqual([{ type: 'HealingPaused', since: new Date(clock.now()).toISOString(), reason: 'MassFailure', message: '3 of 5 machines failed' }]);
    expect((await store.listHealingPaused()).get('analysis')?.machines).toEqual(['m-1', 'm-2', 'm-3']);
  });
});

describe('scale with allowDestroy', () => {
  it('PUT desired with allowDestroy records the allowance for exactly that size; without it, none', async () => {
    const put = (payload: object) => t.app.inject({ method: 'PUT', url: '/api/v1/pools/analysis/desired', headers: t.headers, payload });
    const res = await put({ desired: 3, allowDestroy: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ desired: 3, allowDestroy: true });
    expect((await store.getPool('analysis'))?.destroyAllowedTo).toBe(3);
    expect((await put({ desired: 2 })).json()).toMatchObject({ desired: 2, allowDestroy: false });
    expect((await store.getPool('analysis'))?.destroyAllowedTo).toBeUndefined();
    const bad = await put({ desired: 2, allowDestroy: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/body\.allowDestroy/);
  });
});
