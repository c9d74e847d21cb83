import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../src/api/tokens.js';
import { realClock } from '../src/clock/clock.js';
import type { Store } from '../src/store/store.js';
import { cliServer, type CliServer } from './support/cli-server.js';
import { runCli, tempDir } from './support/process.js';

// The real `flotte` binary against a real API in this process: `flotte config show` prints what
// the last apply stored, and that output is a file `flotte apply` takes back without a change.

const FLEET = `# flotte.yaml of the config-show test: comments and layout must come back as written
cluster: config-show
providers:
  sim: { type: sim, zones: [sim-a, sim-b] }
templates:
  small:
    provider: sim
    image: img-1
    size: m5.large          # the cheap one
pools:
  web:
    template: small
    min: 0
    max: 100
    desired: 6
  batch: { template: small, min: 0, max: 20, desired: 2, labels: { team: data } }
`;

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

const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: dir, server, env: { ...env, ...extra } });
const declared = async () => (await store.listPools()).map(({ name, min, max, desired, labels, removedAt }) => ({ name, min, max, desired, labels, removedAt }));

describe('flotte config show (real CLI)', () => {
  it('prints the stored YAML byte for byte; --json gives it with its revision and time', async () => {
    const r = await cli(['config', 'show']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(FLEET);
    expect(r.stderr).toBe('');

    const j = await cli(['config', 'show', '--json']);
    expect(j.code, j.stderr).toBe(0);
    const body = JSON.parse(j.stdout);
    expect(body).toEqual({ source: FLEET, cluster: 'config-show', revision: expect.any(Number), appliedAt: expect.any(String) });
    expect(Math.abs(Date.parse(body.appliedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('config show > flotte.yaml, then apply -f flotte.yaml: a plan with no changes, nothing changed', async () => {
    // A `flotte scale` since the last apply: the file's desired is the same, so the re-apply keeps the scaled size.
    expect((await cli(['scale', 'web', '9'])).code).toBe(0);
    const before = await declared();
    const shown = await cli(['config', 'show']);
    writeFileSync(join(dir, 'flotte.yaml'), shown.stdout);
    const revision = JSON.parse((await cli(['config', 'show', '--json'])).stdout).revision as number;

    const dry = await cli(['apply', '-f', 'flotte.yaml', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).plan).toEqual({ pools: [], templates: [], launch: 0, terminate: 0, destructive: [], sections: [] });

    const applied = await cli(['apply', '-f', 'flotte.yaml']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toBe('No changes: the fleet already matches flotte.yaml.\nApplied flotte.yaml.\n');
    expect(await declared()).toEqual(before);
    expect(before.find((p) => p.name === 'web')?.desired).toBe(9);

    // Stored again as a new revision, with the same text.
    const again = JSON.parse((await cli(['config', 'show', '--json'])).stdout);
    expect(again.revision).toBeGreaterThan(revision);
    expect(again.source).toBe(readFileSync(join(dir, 'flotte.yaml'), 'utf8'));
  });

  it('refuses a viewer token with exit 1 and prints nothing on stdout', async () => {
    const { secret } = await issueToken(store, { name: 'watcher', role: 'viewer', createdBy: 'test' }, realClock.now());
    const r = await cli(['config', 'show'], { FLOTTE_TOKEN: secret });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^flotte: .*config:apply/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help says what it prints, the round trip, and who may read it', async () => {
    const r = await cli(['config', 'show', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: flotte config show [options]');
    expect(r.stdout).toMatch(/flotte config show > flotte\.yaml/);
    expect(r.stdout).toMatch(/admin or operator/);
    expect(r.stdout).toContain('--json');
  });
});
