import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli, startUp, waitFor, type UpProcess } from './support/process.js';
import { agentPid, agentProcesses, alive, events, killAgents, localConfig, localDir, localMachineIds, pool, readyCount, startLocal } from './support/local.js';

/** localConfig's health timings, and `startUp`'s tick. */
const HEARTBEAT_INTERVAL_MS = 1_000;
const HEARTBEAT_TIMEOUT_MS = 4_000;
const TICK_MS = 500;
/** Two cores shared with other suites: a tick or a write may start late. */
const SCHEDULING_SLACK_MS = 1_500;

let up: UpProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await up?.stop();
  if (dir) await killAgents(dir);
  expect(dir ? agentProcesses(dir) : []).toEqual([]);
  up = dir = undefined;
});

describe('local machines: health and replacement (real agent processes)', () => {
  it('kill -9 of one agent: unhealthy after the heartbeat timeout, replaced, the dead one cleaned up; events tell the story', async () => {
    dir = localDir(localConfig({ desired: 3 }));
    up = await startLocal(dir);
    const before = await readyCount(3, up);
    const victim = before.machines[0]!.id;
    const killedAt = Date.now();
    process.kill(agentPid(dir, victim), 'SIGKILL');

    const after = await waitFor('replacement ready, victim gone', async () => {
      const p = await pool(up!);
      const replacement = p.machines.find((m) => m.replaces === victim && m.state === 'ready');
      return replacement && p.ready === 3 && !p.machines.some((m) => m.id === victim) ? { p, replacement } : undefined;
    }, 120_000);
    const readyAt = Date.now();
    expect(localMachineIds(dir)).not.toContain(victim);
    expect(localMachineIds(dir)).toHaveLength(3);

    const story = (await events(up)).filter((e) => e.machine === victim || e.machine === after.replacement.id);
    const at = (reason: string, machine: string) => Date.parse(story.find((e) => e.reason === reason && e.machine === machine)!.at);
    const unhealthy = at('Unhealthy', victim);
    const launched = at('Launched', after.replacement.id);
    const ready = at('Ready', after.replacement.id);
    const terminating = at('Terminating', victim);
    const terminated = at('Terminated', victim);
    // Not before the 4 s heartbeat timeout (from the last beat, at most 1 s before the kill).
    expect(unhealthy - killedAt).toBeGreaterThanOrEqual(3_000);
    expect(launched).toBeGreaterThanOrEqual(unhealthy);
    expect(launched).toBeLessThanOrEqual(terminating); // launch-first
    expect(ready).toBeGreaterThanOrEqual(launched);
    expect(terminated).toBeGreaterThanOrEqual(terminating);
    expect(story.find((e) => e.reason === 'Unhealthy')!.message).toMatch(/no heartbeat for/);
    const line = `time-to-replacement: kill→unhealthy ${((unhealthy - killedAt) / 1000).toFixed(1)} s, unhealthy→replacement ready ${((ready - unhealthy) / 1000).toFixed(1)} s, kill→ready ${((readyAt - killedAt) / 1000).toFixed(1)} s (as polled)`;
    console.log(line);
  });

  it('flotte up stopped for 3× the heartbeat timeout, then started again: no replacement, no brake, no Unhealthy; then a kill -9 is replaced within timeout + one tick', async () => {
    dir = localDir(localConfig({ desired: 3 }));
    up = await startLocal(dir);
    const before = await readyCount(3, up);
    const pids = new Map(before.machines.map((m) => [m.id, agentPid(dir!, m.id)]));
    const port = Number(new URL(up.url).port);
    await up.stop(); // SIGTERM: an orderly stop, as an upgrade would do
    for (const pid of pids.values()) expect(alive(pid)).toBe(true);
    await new Promise((r) => setTimeout(r, 3 * HEARTBEAT_TIMEOUT_MS));

    up = await startUp(dir, ['--log-level', 'info'], {}, { port });
    const mark = Math.max(...(await events(up)).map((e) => e.id));
    // Long enough for a wrong verdict to show: it would come at the first ticks, and the brake with it.
    await new Promise((r) => setTimeout(r, 3 * HEARTBEAT_TIMEOUT_MS));
    const back = await readyCount(3, up);
    expect(back.machines.map((m) => m.id).sort()).toEqual([...pids.keys()].sort());
    expect(back.conditions).toEqual([]);
    const since = (await events(up)).filter((e) => e.id > mark);
    expect(since.filter((e) => ['Unhealthy', 'HealingPaused', 'Replacing', 'Launched', 'Terminating'].includes(e.reason))).toEqual([]);
    expect(localMachineIds(dir).sort()).toEqual([...pids.keys()].sort());

    const victim = back.machines[0]!.id;
    const killedAt = Date.now();
    process.kill(agentPid(dir, victim), 'SIGKILL');
    const replacement = await waitFor('replacement launched', async () => (await events(up!)).find((e) => e.reason === 'Replacing' && e.id > mark), 60_000);
    const unhealthy = (await events(up)).find((e) => e.reason === 'Unhealthy' && e.machine === victim)!;
    expect(unhealthy).toBeDefined();
    expect((await events(up)).some((e) => e.reason === 'HealingPaused' && e.id > mark)).toBe(false);
    // The agent's last beat was at most one interval before the kill; the verdict comes at the next tick (500 ms) after the timeout.
    const bound = HEARTBEAT_INTERVAL_MS + HEARTBEAT_TIMEOUT_MS + TICK_MS + SCHEDULING_SLACK_MS;
    const took = Date.parse(replacement.at) - killedAt;
    console.log(`after a controller restart: kill -9 → replacement launched in ${(took / 1000).toFixed(1)} s (bound ${bound / 1000} s)`);
    expect(took).toBeLessThanOrEqual(bound);
    expect(Date.parse(replacement.at)).toBeGreaterThanOrEqual(Date.parse(unhealthy.at));
    await readyCount(3, up);
  });

  it('kill -9 of 60% of the pool: the brake trips, nothing is mass-replaced; after resume-healing the pool is whole', async () => {
    dir = localDir(localConfig({ desired: 5 }));
    up = await startLocal(dir);
    const before = await readyCount(5, up);
    const victims = before.machines.slice(0, 3).map((m) => m.id);
    for (const id of victims) process.kill(agentPid(dir, id), 'SIGKILL');

    const paused = await waitFor('brake', async () => {
      const p = await pool(up!);
      return p.conditions.find((c) => c.type === 'HealingPaused');
    }, 60_000);
    expect(paused.message).toMatch(/of 5 machines failed within 120 s/);
    const tripped = (await events(up)).find((e) => e.reason === 'HealingPaused')!;
    expect(tripped.message).toMatch(/resume-healing workers/);
    // The brake shows where people look first.
    const listed = await runCli(['pools'], { cwd: dir, server: up.url });
    expect(listed.stdout).toMatch(/workers .*HealingPaused/);
    expect(listed.stdout).toMatch(/workers: HealingPaused since .*resume-healing workers/);

    // Held for a while: at most one replacement (20%, under the 30% share) was started before the brake tripped.
    await new Promise((r) => setTimeout(r, 4_000));
    const held = await pool(up);
    const replacements = held.machines.filter((m) => m.replaces && victims.includes(m.replaces));
    expect(replacements.length).toBeLessThanOrEqual(1);
    expect(held.machines.filter((m) => m.state === 'unhealthy').length).toBeGreaterThanOrEqual(2);

    const resume = await runCli(['pools', 'resume-healing', 'workers'], { cwd: dir, server: up.url });
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stdout).toContain('healing resumed for workers');
    const whole = await readyCount(5, up);
    expect(whole.conditions).toEqual([]);
    expect(whole.machines.some((m) => victims.includes(m.id))).toBe(false);
    expect(localMachineIds(dir)).toHaveLength(5);
    for (const m of whole.machines) expect(alive(agentPid(dir, m.id))).toBe(true);
    expect((await events(up)).some((e) => e.reason === 'HealingResumed')).toBe(true);
  });

  it('an agent with a wrong or missing join token is refused (401, logged) and changes nothing', async () => {
    dir = localDir(localConfig({ desired: 1 }));
    up = await startLocal(dir);
    const before = await readyCount(1, up);
    const eventsBefore = await events(up);
    const post = (token?: string) =>
      fetch(`${up!.url}/api/v1/agents/heartbeat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ machine: before.machines[0]!.id, pool: 'workers', busy: 0, drained: true, available: false, load: { load1: 0, cpu: 0, memory: 0 } }),
      });
    expect((await post('fjt_wrong')).status).toBe(401);
    expect((await post()).status).toBe(401);

    // A real agent process claiming a real machine with a wrong token keeps being refused and never joins.
    const agent = spawn(process.execPath, [BIN, '--server', up.url, 'agent', '--machine-id', before.machines[0]!.id, '--pool', 'workers', '--join-token', 'fjt_wrong', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let agentLog = '';
    agent.stderr!.on('data', (d) => (agentLog += d));
    try {
      await waitFor('refusal', async () => agentLog.includes('HTTP 401'), 30_000);
    } finally {
      agent.kill('SIGKILL');
    }
    expect(up.output()).toMatch(/agent refused: wrong or missing join token/);
    const after = await pool(up);
    expect(after.machines).toEqual(before.machines);
    expect(await events(up)).toEqual(eventsBefore);
  });
});
