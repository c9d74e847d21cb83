import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startUp, tempDir, waitFor, type UpProcess } from './support/process.js';
import { agentProcesses, killAgents, pool } from './support/local.js';

/** Runs a command as the unprivileged `nobody`, as any other local user could. */
function asNobody(cmd: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('runuser', ['-u', 'nobody', '--', ...cmd], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function canRunAsNobody(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('id', ['nobody'], { stdio: 'ignore' });
    return asNobody(['true']).code === 0;
  } catch {
    return false;
  }
}

/** Every path under `root` (as the owner sees it), with its mode. */
function walk(root: string): { path: string; mode: number; dir: boolean }[] {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    const st = statSync(path);
    out.push({ path, mode: st.mode & 0o777, dir: st.isDirectory() });
    if (st.isDirectory()) out.push(...walk(path));
  }
  return out;
}

const able = canRunAsNobody();
if (!able) {
  const line = '!'.repeat(72);
  console.warn(`\n${line}\n!!  SKIPPED: secrets at rest — needs root, runuser and the user nobody\n${line}\n`);
}

let up: UpProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await up?.stop();
  if (dir) await killAgents(dir);
  expect(dir ? agentProcesses(dir) : []).toEqual([]);
  up = dir = undefined;
});

describe.runIf(able)('secrets at rest: another local user reads nothing of a running flotte', () => {
  it('the demo with real agents: nobody can read or list the data dir; no join token or credential is stored in plain text', async () => {
    dir = tempDir('flotte-secrets-');
    // The parent lets anyone through, so what stops nobody is the data dir's own mode.
    chmodSync(dir, 0o755);
    up = await startUp(dir, ['--log-level', 'info']);
    await waitFor('3 workers ready', async () => (await pool(up!)).ready === 3, 120_000);
    const data = join(dir, '.flotte');

    expect(asNobody(['ls', dir]).code).toBe(0); // the parent really is open
    const readable = asNobody(['find', data, '-readable', '-type', 'f']);
    expect(readable.stdout.trim()).toBe('');
    const listing = asNobody(['find', data]);
    expect(listing.stdout.trim()).toBe(data); // the dir itself, nothing inside it
    expect(listing.stderr).toMatch(/Permission denied/);
    expect(asNobody(['cat', join(data, 'state.db')]).code).not.toBe(0);
    expect(asNobody(['cat', join(data, 'admin-token')]).code).not.toBe(0);

    // As the owner: every dir 0700, every file 0600, whatever wrote it (store, lock, sim, local machines, agents).
    expect(statSync(data).mode & 0o777).toBe(0o700);
    const entries = walk(data);
    expect(entries.map((e) => e.path)).toContain(join(data, 'state.db-wal'));
    const open = entries.filter((e) => (e.dir ? e.mode !== 0o700 : e.mode & 0o077)).map((e) => `${e.path} ${e.mode.toString(8)}`);
    expect(open).toEqual([]);

    // The join tokens the agents were launched with are nowhere in the store, nor any credential.
    const machines = readdirSync(join(data, 'local')).filter((n) => n.startsWith('local-'));
    expect(machines.length).toBeGreaterThanOrEqual(3);
    const tokens = machines.map((id) => (JSON.parse(readFileSync(join(data, 'local', id, 'machine.json'), 'utf8')) as { agent: { joinToken: string } }).agent.joinToken);
    for (const t of tokens) expect(t).toMatch(/^fjt_/);
    const state = ['state.db', 'state.db-wal'].map((f) => readFileSync(join(data, f)).toString('latin1')).join('');
    for (const t of tokens) expect(state.includes(t), `join token ${t.slice(0, 8)}… in the store`).toBe(false);
    // Credentials live only in the agents' memory: no file under the data dir holds one.
    const files = entries.filter((e) => !e.dir).map((e) => e.path);
    expect(files.filter((f) => /fac_[A-Za-z0-9_-]{20,}/.test(readFileSync(f).toString('latin1')))).toEqual([]);
  });
});
