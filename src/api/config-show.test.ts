import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { demoConfigYaml } from '../config/demo.js';
import { parseConfig } from '../config/load.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { testApp, type TestApp } from '../../test/support/api.js';
import { StoredConfigSchema } from './contract/index.js';

const T0 = Date.UTC(2026, 11, 7, 9, 30);

// Written as a person writes it: comments, flow maps, a credential in a metric source and a header.
const FLEET = `# our fleet (owner: platform team)
cluster: stored
providers:
  sim: { type: sim, zones: [sim-a] }
templates:
  small: { provider: sim, image: img-1, size: m5.large }   # the cheap one
pools:
  jobs:
    template: small
    min: 0
    max: 10
    scaling:
      metrics:
        backlog: { type: http-json, url: "https://ops:H8-s3cret@stats.internal/q", path: depth, headers: { Authorization: "Bearer tok-9f2c-s3cret" } }
      policies:
        - { type: target-tracking, metric: backlog, target: 10 }
`;

let store: Store;
let clock: VirtualClock;
let t: TestApp;
beforeEach(async () => {
  store = await openStore(':memory:');
  clock = new VirtualClock(T0);
  t = await testApp({ store, clock, parseConfig });
});
afterEach(async () => {
  await t.app.close();
  await store.close();
});

const apply = async (source: string) => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: t.headers, payload: { source } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const show = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/v1/config', headers });

describe('GET /api/v1/config', () => {
  it('answers 404 not_found before any apply', async () => {
    const res = await show(t.headers);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found', message: expect.stringContaining('flotte apply') });
  });

  it('gives admins and operators the YAML exactly as applied, with its revision and time', async () => {
    await apply(FLEET);
    for (const role of ['admin', 'operator'] as const) {
      const res = await show((await t.as(role)).headers);
      expect(res.statusCode, role).toBe(200);
      const body = StoredConfigSchema.parse(res.json());
      expect(body.source).toBe(FLEET);
      expect(body).toMatchObject({ cluster: 'stored', appliedAt: new Date(T0).toISOString() });
    }
  });

  it("the built-in demo, stored at first start, comes back as a file whose apply changes nothing", async () => {
    const parsed = parseConfig(demoConfigYaml(), 'built-in demo');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await store.applyConfig(parsed.applied, clock.now());
    const { source } = (await show(t.headers)).json();
    expect(source).toBe(demoConfigYaml());
    const plan = await t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: t.headers, payload: { source, file: 'flotte.yaml', dryRun: true } });
    expect(plan.json().lines).toEqual(['No changes: the fleet already matches flotte.yaml.']);
  });

  it('follows each apply: a newer revision, its time and its text', async () => {
    await apply(FLEET);
    const first = (await show(t.headers)).json();
    await clock.advance(60_000);
    const next = FLEET.replace('max: 10', 'max: 12');
    await apply(next);
    const second = (await show(t.headers)).json();
    expect(second.source).toBe(next);
    expect(second.revision).toBeGreaterThan(first.revision);
    expect(second.appliedAt).toBe(new Date(T0 + 60_000).toISOString());
  });

  it('a dry run or a refused apply leaves it as it was', async () => {
    await apply(FLEET);
    const before = (await show(t.headers)).json();
    const dry = await t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: t.headers, payload: { source: FLEET.replace('max: 10', 'max: 3'), dryRun: true } });
    expect(dry.statusCode).toBe(200);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: t.headers, payload: { source: FLEET.replace('max: 10', 'max: -1') } });
    expect(bad.statusCode).toBe(400);
    // Renaming the pool removes jobs: refused without allowDestroy, after the apply's transaction began.
    const destroy = await t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: t.headers, payload: { source: FLEET.replace('  jobs:', '  other:') } });
    expect(destroy.json().error?.code).toBe('destroy_not_allowed');
    expect((await show(t.headers)).json()).toEqual(before);
  });

  it('refuses viewers, developers and pushers (the YAML holds credentials), and callers without a token', async () => {
    await apply(FLEET);
    for (const role of ['viewer', 'developer', 'pusher'] as const) {
      const res = await show((await t.as(role)).headers);
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
      expect(res.body).not.toMatch(/s3cret/);
    }
    const anonymous = await show({});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toMatch(/s3cret/);
  });
});
