import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { cliServer, type CliServer } from './support/cli-server.js';
import { runCli, tempDir } from './support/process.js';
import { flotteYaml } from './support/builders.js';

// The real `flotte` binary against a real API in this process: what a user types, what the store holds.

const FLEET = flotteYaml({ style: 'flow', cluster: 'apply-cli', sim: { zones: ['sim-a', 'sim-b'] }, pools: { web: { max: 100, desired: 10 }, batch: { max: 100, desired: 4 } } });

let api: CliServer;
let store: Store;
let server: string;
let env: Record<string, string>;
let dir: string;
beforeEach(async () => {
  api = await cliServer(FLEET);
  ({ store, server, env } = api);
  dir = tempDir();
});
afterEach(() => api.close());

const declared = async () => (await store.listPools()).map(({ name, min, max, desired, removedAt }) => ({ name, min, max, desired, removedAt }));
const cli = (args: string[]) => runCli(args, { cwd: dir, server, env });

describe('flotte apply (real CLI)', () => {
  it('an empty or comment-only file is refused with exit 2 naming the file, and changes nothing', async () => {
    const before = await declared();
    for (const [name, text] of [['empty.yaml', ''], ['comments.yaml', '# nothing here yet\n']] as const) {
      writeFileSync(join(dir, name), text);
      const r = await cli(['apply', '-f', name]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${name}:1:1: `);
      expect(r.stderr).toMatch(/empty/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await declared()).toEqual(before);
  });
});

describe('flotte apply prints its plan first (real CLI)', () => {
  const write = (name: string, web: string, batch: string | null) => {
    writeFileSync(join(dir, name), FLEET.replace(/ {2}web: .*\n/, `  web: ${web}\n`).replace(/ {2}batch: .*\n/, batch === null ? '' : `  batch: ${batch}\n`));
    return name;
  };

  it('--dry-run prints the plan line by line and changes nothing; --json gives it as data', async () => {
    const before = await declared();
    const file = write('grow.yaml', '{ template: small, min: 0, max: 100, desired: 16 }', '{ template: small, min: 0, max: 100, desired: 4, labels: { team: core } }');
    const r = await cli(['apply', '-f', file, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      '~ pool batch: labels {} → {team=core}',
      '~ pool web: desired 10 → 16: launches 16 machines',
      'Plan: pools 0 to add, 2 to change, 0 to remove; 16 machines to launch, 0 to terminate.',
      'Dry run: nothing was changed.',
    ]);
    const j = await cli(['apply', '-f', file, '--dry-run', '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ dryRun: true, applied: false, plan: { launch: 16, terminate: 0, pools: [{ pool: 'batch', change: 'change' }, { pool: 'web', change: 'change', desired: { from: 10, to: 16 } }] } });
    expect(await declared()).toEqual(before);
  });

  it('removing a pool exits 2 naming it and changes nothing; --allow-destroy applies it', async () => {
    const before = await declared();
    const file = write('drop.yaml', '{ template: small, min: 0, max: 100, desired: 10 }', null);
    const r = await cli(['apply', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stdout.trimEnd().split('\n')).toEqual(['- pool batch: remove (drained, then deleted) (destructive: needs --allow-destroy)', 'Plan: pools 0 to add, 0 to change, 1 to remove; 0 machines to launch, 0 to terminate.']);
    expect(r.stderr.trim()).toBe('flotte: applying drop.yaml would remove pool batch (terminating 0 of 0 machines); nothing was changed (if that is meant, apply again with --allow-destroy; API: allowDestroy: true)');
    expect(await declared()).toEqual(before);

    const ok = await cli(['apply', '-f', file, '--allow-destroy']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Applied drop.yaml.');
    expect((await store.getPool('batch'))?.removedAt).toBeDefined();
  });
});
