import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, waitFor, type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';

const CONFIG = flotteYaml({ cluster: 'e2e-api', sim: { bootSeconds: { min: 1, max: 2 } }, pools: { analysis: { max: 50, desired: 2 } } });

let up: UpProcess | undefined;

describe('tokens, audit and live events through the real CLI', () => {
  it('admin token file, tokens create/list/revoke, roles enforced, and `flotte audit` tells who did what', async () => {
    const dir = fleetDir(CONFIG);
    up = await flotteUp(dir);
    expect(statSync(join(dir, '.flotte/admin-token')).mode & 0o777).toBe(0o600);
    const admin = { cwd: dir, server: up.url };

    const created = await runCli(['tokens', 'create', '--role', 'viewer', '--name', 'dashboard', '--ttl', '1d', '--json'], admin);
    expect(created.code, created.stderr).toBe(0);
    const viewer = JSON.parse(created.stdout) as { id: string; secret: string; role: string; expiresAt: string };
    expect(viewer.role).toBe('viewer');
    const asViewer = { server: up.url, env: { FLOTTE_TOKEN: viewer.secret } };

    expect((await runCli(['pools'], asViewer)).code).toBe(0);
    const denied = await runCli(['scale', 'analysis', '5'], asViewer);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/role viewer may not pools:scale/);
    expect((await runCli(['scale', 'analysis', '3'], admin)).code).toBe(0);

    const list = JSON.parse((await runCli(['tokens', 'list', '--json'], admin)).stdout) as { id: string; name: string; revokedAt: string | null }[];
    expect(list.map((t) => t.name).sort()).toEqual(['bootstrap-admin', 'dashboard']);
    expect(JSON.stringify(list)).not.toContain(viewer.secret);
    expect((await runCli(['tokens', 'revoke', viewer.id], admin)).code).toBe(0);
    const afterRevoke = await runCli(['pools'], asViewer);
    expect(afterRevoke.code).toBe(1);
    expect(afterRevoke.stderr).toMatch(/revoked/);

    const audit = JSON.parse((await runCli(['audit', '--pool', 'analysis', '--since', '1h', '--json'], admin)).stdout) as { actor: string; action: string; result: string; params: { body: unknown } }[];
    expect(audit.map((a) => [a.actor, a.action, a.result])).toEqual([
      ['dashboard', 'PUT /api/v1/pools/:name/desired', 'forbidden'],
      ['bootstrap-admin', 'PUT /api/v1/pools/:name/desired', 'ok'],
    ]);
    expect(audit[1]!.params.body).toEqual({ desired: 3 });
    const table = await runCli(['audit'], admin);
    expect(table.stdout).toMatch(/bootstrap-admin\s+admin\s+DELETE \/api\/v1\/tokens\/:id/);
    // A dozen real CLI processes: generous for a loaded CI machine.
  }, 300_000);

  it('`flotte events --follow` prints new events as they happen', async () => {
    const dir = fleetDir(CONFIG);
    up = await flotteUp(dir);
    const server = up.url;
    const follow = spawn(process.execPath, [BIN, '--server', server, 'events', 'analysis', '--follow', '--json', '--limit', '0'], { cwd: dir });
    let out = '';
    follow.stdout.on('data', (d) => (out += d));
    try {
      // `--limit 0` shows none of the past: a change made before the follower's stream opened is
      // past to it. So the size moves (4, 5, 4, …) until the follower shows one as it happens.
      let size = 4;
      const line = await waitFor(
        'a DesiredChanged event on the follow stream',
        async () => {
          const seen = out.split('\n').find((l) => l.includes('"DesiredChanged"'));
          if (seen) return seen;
          await runCli(['scale', 'analysis', String(size)], { cwd: dir, server });
          size = size === 4 ? 5 : 4;
          return undefined;
        },
        30_000,
      );
      expect(JSON.parse(line)).toMatchObject({ pool: 'analysis', reason: 'DesiredChanged', message: expect.stringMatching(/→ [45]\b/) });
      const ids = out.trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      follow.kill('SIGINT');
    }
  });
});
