import { afterEach, describe, expect, it } from 'vitest';
import { startUp, type UpProcess } from './support/process.js';
import { agentPid, agentProcesses, alive, events, killAgents, localConfig, localDir, localMachineIds, pool, readyCount, startLocal } from './support/local.js';

let up: UpProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await up?.stop();
  if (dir) await killAgents(dir);
  expect(dir ? agentProcesses(dir) : []).toEqual([]);
  up = dir = undefined;
});

describe('controller crash with local machines running', () => {
  it('kill -9 of flotte up: a restarted controller adopts every machine, restarts none, duplicates none', async () => {
    dir = localDir(localConfig({ desired: 3 }));
    up = await startLocal(dir);
    const before = await readyCount(3, up);
    const pids = new Map(before.machines.map((m) => [m.id, agentPid(dir!, m.id)]));
    const port = Number(new URL(up.url).port);
    await up.kill();
    for (const pid of pids.values()) expect(alive(pid)).toBe(true); // machines outlive the controller

    // Same address, as `flotte up` on its default port would have: the agents never learn of the crash.
    up = await startUp(dir, ['--log-level', 'info'], {}, { port });
    const lastEventBefore = Math.max(...(await events(up)).map((e) => e.id));
    // Several heartbeat timeouts' worth of ticks: long enough for any wrong decision to show.
    await new Promise((r) => setTimeout(r, 8_000));
    const after = await readyCount(3, up);
    expect(after.machines.map((m) => m.id).sort()).toEqual([...pids.keys()].sort());
    for (const [id, pid] of pids) {
      expect(agentPid(dir, id)).toBe(pid); // not restarted
      expect(alive(pid)).toBe(true);
    }
    expect(localMachineIds(dir).sort()).toEqual([...pids.keys()].sort()); // nothing launched twice
    expect(agentProcesses(dir)).toHaveLength(3);
    const since = (await events(up)).filter((e) => e.id > lastEventBefore);
    expect(since.filter((e) => ['Launched', 'Unhealthy', 'Terminating', 'Died'].includes(e.reason))).toEqual([]);
    expect((await pool(up)).machines.every((m) => m.state === 'ready')).toBe(true);
  });
});
