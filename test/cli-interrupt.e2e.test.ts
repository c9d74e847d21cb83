import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, getJson, startUp, tempDir, waitFor, type UpProcess } from './support/process.js';

// Ctrl-C on a --wait stops the watching, not the work: a real CLI process against a real `flotte up`.

const CONFIG = `cluster: interrupt
providers:
  slow: { type: sim, zones: [sim-a, sim-b], deathRatePerHour: 0, bootSeconds: { min: 600, max: 900 } }
  fast: { type: sim, zones: [sim-a, sim-b], deathRatePerHour: 0, bootSeconds: { min: 1, max: 2 }, rebootSeconds: { min: 600, max: 900 } }
templates:
  slow: { provider: slow, image: img-1, size: m5.large }
  fast: { provider: fast, image: img-1, size: m5.large }
pools:
  growing: { template: slow, min: 0, max: 50, desired: 2 }
  steady: { template: fast, min: 0, max: 10, desired: 2 }
`;

interface Running {
  output(): { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  interrupt(): void;
}

/** The real binary, left running so the test can press Ctrl-C (SIGINT) on it. */
function start(args: string[], server: string, token: string, cwd: string): Running {
  const child = spawn(process.execPath, [BIN, '--server', server, ...args], { cwd, env: { ...process.env, FLOTTE_TOKEN: token } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
  children.push(child);
  return { output: () => ({ stdout, stderr }), exited, interrupt: () => child.kill('SIGINT') };
}

const children: ReturnType<typeof spawn>[] = [];
let up: UpProcess | undefined;
let dir: string;
beforeAll(async () => {
  dir = tempDir();
  writeFileSync(join(dir, 'flotte.yaml'), CONFIG);
  up = await startUp(dir);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await up?.stop();
});

describe('Ctrl-C during a --wait (real processes)', () => {
  it('scale --wait: one line saying the pool goes on growing on the server and how to undo it, exit 130, desired kept', async () => {
    const cli = start(['scale', 'growing', '12', '--wait', '--timeout', '10m'], up!.url, up!.token, dir);
    await waitFor('the new size stored', async () => (await getJson<{ desired: number }>(`${up!.url}/api/v1/pools/growing`)).desired === 12);
    // The wait starts as soon as the answer is back; machines boot for 10 minutes, so it is still waiting.
    await new Promise((r) => setTimeout(r, 2_000));
    cli.interrupt();
    const { code } = await cli.exited;
    expect(code).toBe(130);
    expect(cli.output().stderr.trim().split('\n')).toEqual(['flotte: stopped waiting; pool growing goes on toward 12 on the server (follow: flotte pools; undo: flotte scale growing 2)']);
    expect((await getJson<{ desired: number }>(`${up!.url}/api/v1/pools/growing`)).desired).toBe(12);
  });

  it('restart --wait: one line naming the operation, how to follow it and how to cancel it, exit 130; the operation goes on', async () => {
    await waitFor('steady ready', async () => (await getJson<{ ready: number }>(`${up!.url}/api/v1/pools/steady`)).ready === 2);
    const cli = start(['restart', 'steady', '--wait'], up!.url, up!.token, dir);
    // The first progress line is printed from inside the wait.
    await waitFor('the first progress line', async () => cli.output().stdout.includes('in progress'));
    cli.interrupt();
    const { code } = await cli.exited;
    expect(code).toBe(130);
    const lines = cli.output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const [, id] = /operation (\S+) carries on/.exec(lines[0]!) ?? [];
    expect(lines[0]).toBe(`flotte: stopped following; operation ${id} carries on on the server (follow: flotte ops show ${id}; cancel: flotte ops cancel ${id})`);
    const op = await getJson<{ operation: { status: string } }>(`${up!.url}/api/v1/operations/${id}`);
    expect(['pending', 'running']).toContain(op.operation.status);
  });
});
