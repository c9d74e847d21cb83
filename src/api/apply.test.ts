import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { configValidator, parseConfig } from '../config/load.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { machine } from '../../test/support/domain-fixtures.js';
import { testApp, type TestApp } from '../../test/support/api.js';

const T0 = Date.UTC(2026, 11, 6, 9, 0);

const FLEET = `cluster: apply-test
providers:
  sim: { type: sim, zones: [sim-a, sim-b] }
templates:
  small: { provider: sim, image: img-1, size: m5.large }
pools:
  web: { template: small, min: 0, max: 100, desired: 10 }
  batch: { template: small, min: 0, max: 100, desired: 4 }
`;

const machines = (pool: string, n: number) => Array.from({ length: n }, (_, i) => machine(`${pool}-${i}`, { pool, zone: i % 2 ? 'sim-b' : 'sim-a', since: T0, launchedAt: T0, readyAt: T0 }));
const fleet = (web: string, batch: string | null) => FLEET.replace(/ {2}web: .*\n/, `  web: ${web}\n`).replace(/ {2}batch: .*\n/, batch === null ? '' : `  batch: ${batch}\n`);

let store: Store;
let t: TestApp;
beforeEach(async () => {
  store = await openStore(':memory:');
  const clock = new VirtualClock(T0);
  const parsed = parseConfig(FLEET, 'flotte.yaml');
  if (!parsed.ok) throw new Error('fixture must parse');
  await store.applyConfig(parsed.applied, clock.now());
  await store.saveMachines([...machines('web', 10), ...machines('batch', 4)]);
  t = await testApp({ store, clock, parseConfig });
});
afterEach(async () => {
  await t.app.close();
  await store.close();
});

const apply = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: t.headers, payload: body });
const declared = async () => (await store.listPools()).map(({ name, min, max, desired, removedAt }) => ({ name, min, max, desired, removedAt }));

describe('POST /api/v1/apply', () => {
  it.each([
    ['empty', ''],
    ['blank lines', '\n\n   \n'],
    ['only comments', '# the fleet\n# (nothing yet)\n'],
    ['a bare document marker', '---\n'],
  ])('refuses a source that is %s with a 400 naming the file, and changes nothing', async (_what, source) => {
    const before = await declared();
    const res = await apply({ source, file: 'f.yaml' });
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain('f.yaml');
    expect(error.errors).toEqual([expect.objectContaining({ file: 'f.yaml', line: 1, col: 1, message: expect.stringMatching(/empty/) })]);
    expect(error.errors[0].hint).toMatch(/pools/);
    expect(await declared()).toEqual(before);
    expect(before.every((p) => p.removedAt === undefined)).toBe(true);
  });
});

describe('POST /api/v1/apply: the plan first, and destroying only when allowed', () => {
  const WEB = '{ template: small, min: 0, max: 100, desired: 10 }';
  const BATCH = '{ template: small, min: 0, max: 100, desired: 4 }';

  it('a dry run answers the plan, line by line, and changes nothing', async () => {
    const before = await declared();
    const source = fleet('{ template: small, min: 0, max: 100, desired: 16 }', null).replace('pools:\n', 'pools:\n  gpu: { template: small, min: 0, max: 8, desired: 2 }\n');
    const res = await apply({ source, file: 'f.yaml', dryRun: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, applied: false });
    expect(res.json().lines).toEqual([
      '+ pool gpu: add (template small, min 0, max 8, desired 2): launches 2 machines',
      '~ pool web: desired 10 → 16: launches 6 machines',
      '- pool batch: remove (drained, then deleted): terminates 4 of 4 machines (destructive: needs --allow-destroy)',
      'Plan: pools 1 to add, 1 to change, 1 to remove; 8 machines to launch, 4 to terminate.',
    ]);
    expect(res.json().plan.destructive).toEqual([expect.objectContaining({ pool: 'batch', change: 'remove', terminate: 4, machines: 4 })]);
    expect(await declared()).toEqual(before);
  });

  it('removing a pool is refused without allowDestroy (409 destroy_not_allowed naming it and its machines), and done with it', async () => {
    const before = await declared();
    const refused = await apply({ source: fleet(WEB, null), file: 'f.yaml' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'destroy_not_allowed', problems: [{ field: 'pools.batch', message: 'removed: terminates 4 of 4 machines' }] });
    expect(refused.json().error.message).toBe('applying f.yaml would remove pool batch (terminating 4 of 4 machines); nothing was changed (if that is meant, apply again with --allow-destroy; API: allowDestroy: true)');
    expect(await declared()).toEqual(before);

    const allowed = await apply({ source: fleet(WEB, null), file: 'f.yaml', allowDestroy: true });
    expect(allowed.statusCode).toBe(200);
    expect(await store.getPool('batch')).toMatchObject({ desired: 0, removedAt: T0 });
  });

  it('a shrink by more than half of a pool\'s machines is refused without allowDestroy, and done with it', async () => {
    const source = fleet('{ template: small, min: 0, max: 100, desired: 4 }', BATCH);
    const refused = await apply({ source });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'destroy_not_allowed', problems: [{ field: 'pools.web', message: 'desired 10 → 4: terminates 6 of 10 machines' }] });
    expect((await store.getPool('web'))!.desired).toBe(10);

    const allowed = await apply({ source, allowDestroy: true });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().lines).toEqual(['~ pool web: desired 10 → 4: terminates 6 of 10 machines (destructive: needs --allow-destroy)', 'Plan: pools 0 to add, 1 to change, 0 to remove; 0 machines to launch, 6 to terminate.']);
    expect((await store.getPool('web'))!.desired).toBe(4);
  });

  it('a shrink by half or less, and an added pool, need nothing', async () => {
    const res = await apply({ source: fleet('{ template: small, min: 0, max: 100, desired: 5 }', BATCH).replace('pools:\n', 'pools:\n  gpu: { template: small, min: 0, max: 8, desired: 2 }\n') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applied: true, pools: [{ name: 'batch', desired: 4 }, { name: 'gpu', desired: 2 }, { name: 'web', desired: 5 }] });
  });

  it('plans from the stored truth: a size set by `flotte scale` is kept by a re-apply of the same file, so nothing is planned', async () => {
    await store.setDesired('web', 30);
    const res = await apply({ source: FLEET, dryRun: true });
    expect(res.json().lines).toEqual(['No changes: the fleet already matches flotte.yaml.']);
    const lowered = await apply({ source: fleet('{ template: small, min: 0, max: 100, desired: 12 }', BATCH), dryRun: true });
    expect(lowered.json().lines[0]).toBe('~ pool web: desired 30 → 12');
  });

  it('a subscription added to the same fleet is named in the plan (no machine moves), and stored; the same file again is no change', async () => {
    const source = `${FLEET}notifications:\n  subscriptions:\n    oncall: { url: "https://hooks.example.com/flotte", secretEnv: ONCALL_KEY, events: [HealingPaused] }\n`;
    const res = await apply({ source });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().plan).toMatchObject({ pools: [], templates: [], launch: 0, terminate: 0, sections: ['notifications'] });
    expect(res.json().lines).toEqual(['~ notifications: changed', 'Plan: no pool or template changes, no machine launched or terminated; 1 section of flotte.yaml changed.']);
    expect((await apply({ source, dryRun: true })).json().lines).toEqual(['No changes: the fleet already matches flotte.yaml.']);
  });
});

describe('POST /api/v1/apply checks provider references where the server runs', () => {
  it('a config naming an OpenStack cloud the server\'s clouds.yaml does not define is a 400 naming the field and the fix, and changes nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'flotte-apply-clouds-'));
    writeFileSync(join(root, 'clouds.yaml'), 'clouds:\n  demo:\n    auth: { auth_url: "https://keystone.example:5000/v3", username: ci, password: x, project_name: fleet, user_domain_name: Default }\n');
    const server = await testApp({ store, clock: new VirtualClock(T0), parseConfig: configValidator({ clouds: { cwd: root, home: root, env: {} } }) });
    try {
      const before = await declared();
      const source = FLEET.replace('templates:\n', '  os: { type: openstack, cloud: nope }\ntemplates:\n');
      const res = await server.app.inject({ method: 'POST', url: '/api/v1/apply', headers: server.headers, payload: { source, file: 'f.yaml', allowDestroy: true } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_config', problems: [{ field: 'providers.os.cloud', message: expect.stringMatching(/cloud "nope" is not defined on the flotte server.*\(name a cloud defined in the clouds\.yaml flotte reads .*, or add "nope" there\)$/) }] });
      expect(await declared()).toEqual(before);
      const fine = await server.app.inject({ method: 'POST', url: '/api/v1/apply', headers: server.headers, payload: { source: source.replace('cloud: nope', 'cloud: demo'), dryRun: true } });
      expect(fine.statusCode).toBe(200);
    } finally {
      await server.app.close();
    }
  });
});
