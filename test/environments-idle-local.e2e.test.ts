import { afterEach, describe, expect, it } from 'vitest';
import { agentPid, alive, killAgents, localBase, localDir, machineDir, startLocal } from './support/local.js';
import { getJson, runCli, waitFor, type UpProcess } from './support/process.js';

/**
 * Idle after 20 s. CPU is the host's here (local machines are processes on it), so the test
 * leaves CPU out (maxCpu 1) and lets busy work be the signal that keeps one environment running.
 */
const CONFIG = `${localBase('envidle')}environments:
  templates:
    stack:
      idle: { after: 20s, maxCpu: 1 }
      roles:
        web: { template: agent, readyTimeout: 2m }
        db: { template: agent, readyTimeout: 2m }
      outputs:
        web: "{{roles.web.addresses}}"
`;

interface EnvJson {
  id: string;
  status: string;
  reason?: string;
  roleStatus: { name: string; pool: string; machines: { id: string; state: string }[] }[];
  idle?: { idle: boolean; blockers: string[] };
}

let up: UpProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await up?.stop();
  if (dir) await killAgents(dir);
  up = dir = undefined;
});

describe('idle stop and wake on local (real agent processes)', () => {
  it('stops an idle environment (agents stop, none replaced), keeps a busy one running, and env start wakes the same machines', async () => {
    dir = localDir(CONFIG);
    up = await startLocal(dir);
    const cli = (...args: string[]) => runCli(args, { cwd: dir!, server: up!.url });
    const show = async (id: string) => JSON.parse((await cli('env', 'show', id, '--json')).stdout) as EnvJson;
    const create = async (name: string) => {
      const r = await cli('env', 'create', name, '--template', 'stack', '--json');
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as EnvJson;
    };
    const [idler, worker] = await Promise.all([create('idler'), create('worker')]);
    const ids = (e: EnvJson) => e.roleStatus.flatMap((r) => r.machines.map((m) => m.id)).sort();
    const idlerIds = ids(idler);
    expect(idlerIds).toHaveLength(2);
    // Work starts on one of the worker's machines, through its agent's local endpoint.
    const busy = await cli('agent', 'busy', '+1', '--dir', machineDir(dir, ids(worker)[0]!));
    expect(busy.stdout.trim()).toBe('busy 1');

    const stopped = await waitFor('the idle environment stopped', async () => {
      const e = await show(idler.id);
      return e.status === 'stopped' && e.roleStatus.every((r) => r.machines.every((m) => m.state === 'stopped')) ? e : undefined;
    }, 120_000);
    expect(stopped.reason).toMatch(/^idle for \d+s: no busy work, no logged-in sessions/);
    expect(ids(stopped)).toEqual(idlerIds);
    for (const id of idlerIds) expect(alive(agentPid(dir, id))).toBe(false);

    // The busy one runs on, and says why.
    const running = await show(worker.id);
    expect(running.status).toBe('ready');
    expect(running.idle?.blockers).toEqual([expect.stringMatching(/: busy 1$/)]);

    // Several controller ticks later: still the same stopped machines, nothing launched in their place.
    await new Promise((r) => setTimeout(r, 3_000));
    const still = await show(idler.id);
    expect(still.status).toBe('stopped');
    expect(ids(still)).toEqual(idlerIds);
    for (const r of still.roleStatus) {
      const launched = (await getJson<{ items: { reason: string }[] }>(`${up.url}/api/v1/pools/${r.pool}/events?limit=1000`)).items.filter((e) => e.reason === 'Launched');
      expect(launched, r.pool).toHaveLength(1);
    }

    // env start: the same machines boot again, their agents rejoin, and the environment is ready.
    const woken = await cli('env', 'start', idler.id);
    expect(woken.stderr).toBe('');
    expect(woken.code).toBe(0);
    expect(woken.stdout).toMatch(/ready\s+web 1\/1\s+db 1\/1/);
    const ready = await show(idler.id);
    expect(ready.status).toBe('ready');
    expect(ids(ready)).toEqual(idlerIds);
    for (const id of idlerIds) expect(alive(agentPid(dir, id))).toBe(true);
  }, 240_000);
});
