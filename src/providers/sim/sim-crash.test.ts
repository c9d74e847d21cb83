import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { realClock } from '../../clock/clock.js';
import { loadState, type SimState } from './sim-state.js';

const here = dirname(fileURLToPath(import.meta.url));
const TOKENS = 200;

/**
 * Runs the fixture; SIGKILLs its whole process group `delayMs` after it printed index
 * `killAfter`, so kills land at varied points of a launch and its state write.
 */
async function runChild(statePath: string, killAfter: number | null, delayMs = 0): Promise<{ printed: number; done: boolean }> {
  const child = spawn('npx', ['tsx', join(here, '../../../test/support/sim-crash.fixture.ts'), statePath, String(TOKENS)], {
    cwd: join(here, '../../..'),
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pgid = child.pid!;
  let printed = -1;
  let done = false;
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'done') done = true;
      else printed = Number(line);
      if (killAfter !== null && printed >= killAfter) void realClock.sleep(delayMs).then(() => killGroup(pgid));
    }
  });
  await new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // npx runs tsx runs node: wait until no process of the group is left before reading state.
  if (killAfter !== null) killGroup(pgid);
  while (groupAlive(pgid)) await realClock.sleep(10);
  return { printed, done };
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every machine belongs to a saved token, every token's machines exist, no token launched twice. */
function checkInvariants(state: SimState): number {
  const byId = new Map(state.machines.map((m) => [m.id, m]));
  expect(byId.size).toBe(state.machines.length);
  for (const m of state.machines) expect(state.tokens[m.token]?.ids).toContain(m.id);
  for (const [token, rec] of Object.entries(state.tokens)) {
    const i = Number(token.slice(2));
    expect(rec.ids).toHaveLength((i % 5) + 1);
    for (const id of rec.ids) expect(byId.get(id)?.token).toBe(token);
  }
  expect(state.counter).toBe(state.machines.length);
  return Object.keys(state.tokens).length;
}

describe('sim persistence under SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotte-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps machines and token records together across kills', async () => {
    const statePath = join(dir, 'sim.json');
    let saved = 0;
    for (const [killAfter, delayMs] of [[3, 0], [40, 1], [41, 0], [110, 3], [150, 7]] as const) {
      const run = await runChild(statePath, killAfter, delayMs);
      expect(run.done).toBe(false);
      const state = loadState(statePath)!;
      const tokens = checkInvariants(state);
      // Everything whose launch returned is there; at most the in-flight one beyond it.
      expect(tokens).toBeGreaterThanOrEqual(run.printed + 1);
      expect(tokens).toBeGreaterThanOrEqual(saved);
      saved = tokens;
    }
    const last = await runChild(statePath, null);
    expect(last.done).toBe(true);
    const state = loadState(statePath)!;
    expect(checkInvariants(state)).toBe(TOKENS);
    expect(state.machines).toHaveLength(Array.from({ length: TOKENS }, (_, i) => (i % 5) + 1).reduce((a, b) => a + b));
  });
});
