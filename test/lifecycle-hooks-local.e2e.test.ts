import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor, type UpProcess } from './support/process.js';
import { agentProcesses, events, killAgents, localBase, localDir, pool, readyCount, startLocal } from './support/local.js';

let up: UpProcess | undefined;
let dir: string | undefined;
let marker = '';

/** Processes whose command line carries this test's marker: a hook command the agent should have ended. */
function hookProcesses(): number[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

afterEach(async () => {
  await up?.stop();
  if (dir) await killAgents(dir);
  const left = marker ? hookProcesses() : [];
  for (const pid of left) process.kill(pid, 'SIGKILL');
  expect(dir ? agentProcesses(dir) : []).toEqual([]);
  expect(left).toEqual([]);
  up = dir = undefined;
});

const HANG_S = 4;

describe('lifecycle hook commands, run by real agents', () => {
  it('a launch command runs on the machine before it is ready; a terminate command that hangs is killed at its timeout, then the machine goes', async () => {
    dir = localDir('');
    marker = `flotte-hook-${process.pid}-${Date.now()}`;
    const log = join(dir, 'launch.log');
    const config = `${localBase('lhk')}pools:
  workers:
    template: agent
    min: 0
    max: 5
    desired: 1
    health: { heartbeatInterval: 1, heartbeatTimeout: 4, bootGrace: 90, drainTimeout: 30 }
    hooks:
      launch:
        - { name: mark, command: "echo launched >> ${log}", timeout: 20 }
      terminate:
        - { name: hang, command: "sleep 600 # ${marker}", timeout: ${HANG_S}, defaultResult: continue }
`;
    writeFileSync(join(dir, 'flotte.yaml'), config);
    up = await startLocal(dir);
    const start = await readyCount(1, up);
    const id = start.machines[0]!.id;

    // The command ran on the machine, once, and passed before the machine was ready.
    expect(readFileSync(log, 'utf8')).toBe('launched\n');
    const launchEvents = (await events(up)).filter((e) => e.machine === id);
    const passed = launchEvents.findIndex((e) => e.reason === 'HookPassed');
    expect(launchEvents[passed]).toMatchObject({ data: { hook: 'mark', kind: 'command', transition: 'launch', status: 'passed' } });
    expect(passed).toBeGreaterThanOrEqual(0);
    expect(passed).toBeLessThan(launchEvents.findIndex((e) => e.reason === 'Ready'));

    const res = await fetch(`${up.url}/api/v1/pools/workers/desired`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${up.token}` }, body: JSON.stringify({ desired: 0 }) });
    expect(res.status).toBe(200);
    await waitFor('terminate hook running', async () => hookProcesses().length > 0, 30_000);
    // While it runs, the machine is terminating and its agent still there.
    expect((await pool(up)).machines.find((m) => m.id === id)?.state).toBe('terminating');
    await waitFor('machine gone', async () => (await pool(up!)).machines.length === 0, 60_000);

    const timedOut = (await events(up)).find((e) => e.machine === id && e.reason === 'HookTimedOut');
    expect(timedOut).toMatchObject({ message: `${id}: terminate hook hang (command) timed out after ${HANG_S}s → continue`, data: { durationMs: HANG_S * 1000 } });
    // The machine was asked to go only once the hook was cut.
    const gone = (await events(up)).find((e) => e.machine === id && e.reason === 'Terminated');
    expect(Date.parse(gone!.at)).toBeGreaterThanOrEqual(Date.parse(timedOut!.at));
    await waitFor('hook command killed', async () => hookProcesses().length === 0, 10_000);
  }, 240_000);
});
