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
        branch: "{{params.branch}}"
`;

let up: UpProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await up?.stop();
  if (dir) await killAgents(dir);
  up = dir = undefined;
});

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
    expect(created.stdout).toMatch(/^web: \S+/m);
    expect(agentProcesses(dir)).toHaveLength(3);

    const listed = JSON.parse((await runCli(['env', 'list', '--json'], { cwd: dir, server: up.url })).stdout) as { id: string; status: string }[];
    expect(listed.map((e) => e.status)).toEqual(['ready']);
    const destroyed = await runCli(['env', 'destroy', listed[0]!.id], { cwd: dir, server: up.url });
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toMatch(/: destroyed$/m);
    await waitFor('agent processes gone', async () => agentProcesses(dir!).length === 0, 30_000);
    const pools = await getJson<{ items: { name: string }[] }>(`${up.url}/api/v1/pools`);
    expect(pools.items.filter((p) => p.name.startsWith('env-'))).toEqual([]);
  }, 180_000);
});
