import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { demoConfigYaml } from '../config/demo.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { testApp, type TestApp } from '../../test/support/api.js';

const T0 = Date.parse('2026-12-07T09:00:00Z');

let store: Store;
let t: TestApp;
beforeEach(async () => {
  store = await openStore(':memory:');
  const clock = new VirtualClock(T0);
  const parsed = parseConfig(demoConfigYaml(), 'demo');
  if (!parsed.ok) throw new Error('demo config must parse');
  await store.applyConfig(parsed.applied, clock.now());
  t = await testApp({ store, clock, parseConfig });
  // A healing story among the everyday events, spread over two pools.
  await store.appendEvents([
    { at: T0, pool: 'analysis', machine: 'm-1', reason: 'Ready', message: 'agent joined' },
    { at: T0 + 1_000, pool: 'analysis', machine: 'm-1', reason: 'Died', message: 'no heartbeat for 30s' },
    { at: T0 + 2_000, pool: 'analysis', machine: 'm-2', reason: 'Replaced', message: 'm-2 replaces m-1' },
    { at: T0 + 3_000, pool: 'analysis', reason: 'ScaledOut', message: '50 → 51' },
    { at: T0 + 4_000, pool: 'web', machine: 'm-3', reason: 'Died', message: 'provider says terminated' },
  ]);
});
afterEach(async () => {
  await t.app.close();
  await store.close();
});

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: t.headers });
const reasons = (res: Awaited<ReturnType<typeof get>>) => (res.json().items as { pool: string; reason: string }[]).map((e) => `${e.pool}:${e.reason}`);

describe('events API, filtered by reason', () => {
  it('takes the reason repeated or comma-separated, on all pools or one', async () => {
    const repeated = await get('/api/v1/events?reason=Died&reason=Replaced');
    expect(repeated.statusCode).toBe(200);
    expect(reasons(repeated)).toEqual(['analysis:Died', 'analysis:Replaced', 'web:Died']);
    expect(reasons(await get('/api/v1/events?reason=Died,Replaced'))).toEqual(reasons(repeated));
    expect(reasons(await get('/api/v1/pools/analysis/events?reason=Died,%20Replaced'))).toEqual(['analysis:Died', 'analysis:Replaced']);
    expect(reasons(await get('/api/v1/pools/analysis/events?reason=Terminated'))).toEqual([]);
  });

  it('pages the matches by cursor: the limit counts filtered events only', async () => {
    const first = (await get('/api/v1/events?reason=Died&limit=1')).json();
    expect(first.items.map((e: { message: string }) => e.message)).toEqual(['no heartbeat for 30s']);
    const second = (await get(`/api/v1/events?reason=Died&limit=1&after=${first.next}`)).json();
    expect(second.items.map((e: { message: string }) => e.message)).toEqual(['provider says terminated']);
  });

  it('an unknown reason is a 400 that names it and lists the valid ones', async () => {
    const res = await get('/api/v1/events?reason=Died,Dead');
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('invalid_request');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].field).toBe('query.reason');
    expect(error.problems[0].message).toMatch(/^unknown event reason "Dead" \(valid: Launched, .*\bDied\b.*\bReplaced\b/);
  });

  it('matching is exact: case and partial names are refused, not guessed', async () => {
    for (const bad of ['died', 'Replac']) {
      const res = await get(`/api/v1/pools/analysis/events?reason=${bad}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.problems[0].message).toContain(`unknown event reason "${bad}"`);
    }
    const empty = await get('/api/v1/events?reason=');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.problems[0].message).toMatch(/^name at least one event reason/);
  });

  it('the API document describes the filter', async () => {
    const doc = (await get('/api/openapi.json')).json();
    const param = doc.paths['/api/v1/events'].get.parameters.find((p: { name: string }) => p.name === 'reason');
    expect(param).toMatchObject({ in: 'query', required: false });
    expect(param.description).toContain('repeat the parameter or separate with commas');
  });
});

describe('events API, newest first page', () => {
  it('newest=true answers the last `limit` events, oldest first, with no next page: what a screen shows on arrival', async () => {
    const all = await get('/api/v1/events?newest=true&limit=2');
    expect(all.statusCode).toBe(200);
    expect(reasons(all)).toEqual(['analysis:ScaledOut', 'web:Died']);
    expect(all.json().next).toBeNull();
    expect(reasons(await get('/api/v1/pools/analysis/events?newest=true&limit=2'))).toEqual(['analysis:Replaced', 'analysis:ScaledOut']);
    expect(reasons(await get('/api/v1/events?newest=true&limit=1&reason=Died'))).toEqual(['web:Died']);
    // Without it the same limit pages from the oldest, as before.
    expect(reasons(await get('/api/v1/events?limit=2'))).toEqual(['analysis:Ready', 'analysis:Died']);
  });

  it('a newest that is not a boolean is a 400 naming the field', async () => {
    const res = await get('/api/v1/events?newest=latest');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems[0].field).toBe('query.newest');
  });
});
