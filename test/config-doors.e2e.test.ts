import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import { parseConfig } from '../src/config/load.js';
import { ConfigInvalid, startFlotte } from '../src/main.js';
import { startApi } from '../src/services/api-service.js';
import { startController } from '../src/services/controller-service.js';
import { getJson, runCli, startUp, tempDir, type UpProcess } from './support/process.js';

// "Two doors, two checks": `flotte up -f` and `flotte apply` (POST /api/v1/apply) take the same
// file, so they must refuse the same file, with the same words, checked where the cloud is used.

const CLOUDS = `clouds:
  demo:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: demo
      password: secret
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
`;

const SIM = `cluster: doors
providers:
  sim: { type: sim, zones: [sim-a, sim-b], deathRatePerHour: 0 }
templates:
  small: { provider: sim, image: img-1, size: m5.large }
pools:
  web: { template: small, min: 0, max: 10, desired: 2 }
`;

/** The same fleet plus an OpenStack provider naming a cloud the server's clouds.yaml does not define. */
const WITH_UNKNOWN_CLOUD = SIM.replace('templates:\n', '  os: { type: openstack, cloud: nope }\ntemplates:\n').replace('pools:\n', '  big: { provider: os, image: ubuntu-24.04, size: m1.large }\npools:\n');

let up: UpProcess | undefined;
afterEach(async () => {
  await up?.stop();
  up = undefined;
});

describe('every door checks a config the same way, provider references included (real processes)', () => {
  it('flotte up -f and flotte apply both refuse a cloud clouds.yaml does not define: exit 2, field path and fix, nothing changed', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'clouds.yaml'), CLOUDS);
    writeFileSync(join(dir, 'flotte.yaml'), SIM);
    writeFileSync(join(dir, 'unknown-cloud.yaml'), WITH_UNKNOWN_CLOUD);
    const env = { OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml') };

    const refusedUp = await runCli(['up', '-f', 'unknown-cloud.yaml', '--port', '0', '--data-dir', join(dir, 'other-state')], { cwd: dir, env });
    expect(refusedUp.code).toBe(2);
    const upLine = refusedUp.stderr.split('\n').map((l) => l.replace(/^flotte: /, '')).find((l) => l.startsWith('unknown-cloud.yaml:'));
    expect(upLine).toMatch(/^unknown-cloud\.yaml:4:\d+: providers\.os\.cloud: cloud "nope" is not defined .*\(.*clouds\.yaml.*\)$/);
    expect(refusedUp.stderr).not.toMatch(/\n\s+at /);
    // Refused before anything was stored: a later start without -f does not meet the bad file again.
    const refusedState = await openStore(undefined, { dataDir: join(dir, 'other-state') });
    expect(await refusedState.currentConfig()).toBeUndefined();
    await refusedState.close();

    up = await startUp(dir, [], env);
    const before = await getJson<{ items: { name: string; desired: number }[] }>(`${up.url}/api/v1/pools`);
    const refusedApply = await runCli(['apply', '-f', 'unknown-cloud.yaml'], { cwd: dir, server: up.url });
    expect(refusedApply.code).toBe(2);
    expect(refusedApply.stderr.split('\n')).toContain(upLine);
    expect(await getJson(`${up.url}/api/v1/pools`)).toEqual(before);
  });
});

describe('services that start on the stored config check it the same way', () => {
  it('flotte controller and flotte api refuse a stored config whose cloud does not resolve here, naming the field', async () => {
    const dataDir = tempDir();
    // Stored as if applied from another host, where the cloud was defined: the loader alone accepts it.
    const parsed = parseConfig(WITH_UNKNOWN_CLOUD, 'flotte.yaml');
    if (!parsed.ok) throw new Error('the file itself must parse');
    const store = await openStore(undefined, { dataDir });
    await store.applyConfig(parsed.applied, Date.UTC(2026, 11, 6, 9, 0));
    await store.close();
    for (const start of [() => startController({ dataDir, host: '127.0.0.1', port: 0 }), () => startApi({ dataDir, host: '127.0.0.1', port: 0 })]) {
      const refused = await start().then(
        async (running) => {
          await running.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(ConfigInvalid);
      expect((refused as Error).message).toMatch(/^stored config:4:\d+: providers\.os\.cloud: cloud "nope" is not defined on the flotte server/);
    }
  });
});

describe('flotte up -f follows apply\'s destroy rule', () => {
  it('a file given at start that drops a stored pool is refused with its plan, nothing changed, unless --allow-destroy', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'state');
    writeFileSync(join(dir, 'two.yaml'), SIM.replace('pools:\n', 'pools:\n  batch: { template: small, min: 0, max: 10, desired: 0 }\n'));
    writeFileSync(join(dir, 'one.yaml'), SIM);
    const start = (file: string, allowDestroy = false) => startFlotte({ configFile: join(dir, file), dataDir, host: '127.0.0.1', port: 0, allowDestroy });
    await (await start('two.yaml')).close();

    const refused = await start('one.yaml').then(
      async (f) => {
        await f.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ConfigInvalid);
    const file = join(dir, 'one.yaml');
    expect((refused as Error).message.split('\n')).toEqual([
      '- pool batch: remove (drained, then deleted) (destructive: needs --allow-destroy)',
      'Plan: pools 0 to add, 0 to change, 1 to remove; 0 machines to launch, 0 to terminate.',
      `applying ${file} would remove pool batch (terminating 0 of 0 machines); nothing was changed (if that is meant, start again with --allow-destroy)`,
    ]);
    const kept = await openStore(undefined, { dataDir });
    expect((await kept.getPool('batch'))?.removedAt).toBeUndefined();
    await kept.close();

    const allowed = await start('one.yaml', true);
    try {
      expect((await allowed.store.getPool('batch'))?.removedAt).toBeDefined();
    } finally {
      await allowed.close();
    }
  });
});

describe('an empty file at the start door', () => {
  it('flotte up -f with an empty or comment-only file exits 2 naming the file, and stores nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.yaml'), '# to be written\n');
    const r = await runCli(['up', '-f', 'empty.yaml', '--port', '0', '--data-dir', join(dir, 'state')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^flotte: empty\.yaml:1:1: the file is empty \(no YAML document, or only comments\) \(write the providers, templates and pools to keep; .*\)\n$/);
    const store = await openStore(undefined, { dataDir: join(dir, 'state') });
    expect(await store.currentConfig()).toBeUndefined();
    await store.close();
  });
});
