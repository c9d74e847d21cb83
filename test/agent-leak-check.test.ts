import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { agentsMarked, RUN_MARK } from './support/agent-leak-check.js';
import { BIN, tempDir, waitFor } from './support/process.js';

let agent: ChildProcess | undefined;
afterEach(() => {
  if (agent && agent.exitCode === null && agent.signalCode === null) agent.kill('SIGKILL');
  agent = undefined;
});

describe('the end-of-run agent check', () => {
  it('finds a running `flotte agent` by the run mark it inherited, and only by that mark', async () => {
    const dir = tempDir('flotte-leak-');
    const mark = `run-probe-${process.pid}`;
    // Its controller never answers: the agent keeps retrying, as a leaked one would.
    agent = spawn(process.execPath, [BIN, 'agent', '--machine-id', 'local-9a8b7c6d5e', '--pool', 'workers', '--join-token', 'fjt_x', '--port', '0', '--dir', dir, '--server', 'http://127.0.0.1:9'], {
      cwd: dir,
      env: { ...process.env, [RUN_MARK]: mark, FLOTTE_SESSIONS: 'none' },
      stdio: 'ignore',
    });
    const found = await waitFor('the agent found', async () => agentsMarked(mark).find((a) => a.pid === agent!.pid));
    expect(found.cwd).toBe(dir);
    expect(found.cmdline).toContain('agent --machine-id local-9a8b7c6d5e');
    expect(agentsMarked(`${mark}-other`)).toEqual([]);

    agent.kill('SIGKILL');
    await waitFor('the agent gone', async () => agentsMarked(mark).length === 0);
  });
});
