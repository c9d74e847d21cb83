import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentProcesses, killAgents, localBase, localDir, startLocal } from './support/local.js';
import { getJson, runCli, waitFor, type UpProcess } from './support/process.js';

const CONFIG = `${localBase('envs')}environments:
  templates:
    stack:
      params:
        branch: { default: main }
      roles:
        web: { template: agent, readyTimeout: 2m }
        db: { template: agent, readyTimeout: 2m }
        worker: { template: agent, readyTimeout: 2m }
      outputs:
        web: "{{roles.web.addresses}}"
        db: "{{roles.db.address}}"
        branch: "{{params.branch}}"
`;

let up: UpProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await up?.stop();
  if (dir) await killAgents(dir);
  up = dir = undefined;
});

/** `flotte env connect` on local machines: a shell in the machine's directory, printed, as JSON, or run. */
async function connects(cwd: string, server: string, id: string): Promise<void> {
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(['env', 'connect', id, ...args], { cwd, server, env });
  const json = await cli(['db', '--json']);
  expect(json.code, json.stderr).toBe(0);
  const db = JSON.parse(json.stdout) as { env: string; role: string; machine: string; address: string; command: string };
  const machineDir = join(cwd, '.flotte', 'local', db.machine);
  expect(db).toEqual({ env: id, role: 'db', machine: expect.stringMatching(/^local-/), address: expect.stringMatching(/^127\.0\.0\.1:\d+$/), command: `cd ${machineDir} && exec "\${SHELL:-/bin/sh}"` });
  // The first role by default; the command alone, for copy and paste.
  const printed = await cli([]);
  expect(printed.stdout).toMatch(new RegExp(`^cd ${join(cwd, '.flotte', 'local')}/local-\\w+ && exec "\\$\\{SHELL:-/bin/sh\\}"\n$`));
  // --exec runs it here: the "shell" (a script standing in for one) starts in the machine's directory and its exit code comes back.
  const shell = join(cwd, 'fake-shell.sh');
  writeFileSync(shell, '#!/bin/sh\npwd\nexit 7\n', { mode: 0o755 });
  const ran = await cli(['db', '--exec'], { SHELL: shell });
  expect([ran.code, ran.stdout.trim()]).toEqual([7, machineDir]);
  const wrong = await cli(['cache']);
  expect([wrong.code, wrong.stderr.trim()]).toEqual([2, `flotte: environment demo (${id}) has no role "cache" (its roles: web, db, worker)`]);
  const help = await runCli(['env', 'connect', '--help']);
  expect(help.stdout).toContain('--exec');
  expect(help.stdout).toContain('sshUser');
}

describe('flotte env on local (real agent processes)', () => {
  it('creates a 3-role environment with every machine ready and outputs shown; destroy leaves nothing', async () => {
    dir = localDir(CONFIG);
    up = await startLocal(dir);
    const created = await runCli(['env', 'create', 'demo', '--template', 'stack', '--param', 'branch=feat-1', '--ttl', '1h'], { cwd: dir, server: up.url });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    // Progress lines while waiting, then the summary with outputs.
    expect(created.stdout).toMatch(/^creating /m);
    expect(created.stdout).toMatch(/ready\s+web 1\/1\s+db 1\/1\s+worker 1\/1/);
    expect(created.stdout).toMatch(/^branch: feat-1$/m);
    expect(created.stdout).toMatch(/^web: 127\.0\.0\.1:\d+$/m);
    expect(created.stdout).toMatch(/^db: 127\.0\.0\.1:\d+$/m);
    expect(agentProcesses(dir)).toHaveLength(3);

    const listed = JSON.parse((await runCli(['env', 'list', '--json'], { cwd: dir, server: up.url })).stdout) as { id: string; status: string }[];
    expect(listed.map((e) => e.status)).toEqual(['ready']);
    await connects(dir, up.url, listed[0]!.id);
    // Without --yes it shows what would go and changes nothing.
    const asked = await runCli(['env', 'destroy', listed[0]!.id], { cwd: dir, server: up.url });
    expect(asked.code).toBe(2);
    expect(asked.stdout).toContain(`(${listed[0]!.id})`);
    expect(asked.stderr).toMatch(/nothing changed: .* re-run with --yes/);
    expect(JSON.parse((await runCli(['env', 'list', '--json'], { cwd: dir, server: up.url })).stdout).map((e: { status: string }) => e.status)).toEqual(['ready']);
    const destroyed = await runCli(['env', 'destroy', listed[0]!.id, '--yes'], { cwd: dir, server: up.url });
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toMatch(/: destroyed$/m);
    await waitFor('agent processes gone', async () => agentProcesses(dir!).length === 0, 30_000);
    const pools = await getJson<{ items: { name: string }[] }>(`${up.url}/api/v1/pools`);
    expect(pools.items.filter((p) => p.name.startsWith('env-'))).toEqual([]);
  }, 180_000);
});
