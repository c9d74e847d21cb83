import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { killAgents } from './support/local.js';
import { freePort, ROOT, tempDir, waitFor } from './support/process.js';

/** Every live descendant of `root`, by the parent links in /proc. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // `pid (comm) state ppid …`: comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined; // gone
  }
};

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

let npm: ChildProcess | undefined;
let watched: number[] = [];
let dataDir: string | undefined;
afterEach(async () => {
  // Whatever the outcome, nothing this test started may outlive it.
  for (const pid of [npm?.pid, ...watched]) {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (dataDir) await killAgents(dataDir); // the demo's local machines outlive flotte up by design
  npm = dataDir = undefined;
  watched = [];
});

/**
 * `npm start -- …` exactly as the README runs it, with the data dir in a temporary directory
 * (npm runs the script in the package directory). Resolves once flotte answers, with the
 * processes npm started except the agents, which are machines and outlive flotte on purpose.
 */
async function npmStart(): Promise<{ proc: ChildProcess; port: number; exited: Promise<void>; output: () => string }> {
  const port = await freePort();
  dataDir = tempDir('flotte-npm-start-');
  // Its own process group, as a shell gives a foreground job: a terminal's Ctrl-C reaches the whole group.
  const proc = (npm = spawn('npm', ['start', '--', '--data-dir', dataDir, '--port', String(port)], { cwd: ROOT, detached: true, env: { ...process.env, FLOTTE_SERVER: '' } }));
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  await waitFor('flotte up answering through npm start', async () => {
    if (proc.exitCode !== null) throw new Error(`npm start exited ${proc.exitCode}:\n${out}`);
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  }, 150_000);
  watched = descendants(proc.pid!).filter((pid) => !/ agent /.test(cmdline(pid) ?? ''));
  return { proc, port, exited, output: () => out };
}

async function expectAllGone(run: { proc: ChildProcess; port: number; exited: Promise<void>; output: () => string }, npmAlsoGotSignal = false): Promise<void> {
  await Promise.race([run.exited, new Promise((r) => setTimeout(r, 30_000))]);
  // Generous: flotte closes its stores and servers before it exits.
  const left = await waitFor('every process npm start ran to end', async () => {
    const alive = watched.filter((pid) => cmdline(pid) !== undefined);
    return alive.length === 0 ? [] : undefined;
  }, 30_000).catch(() => watched.filter((pid) => cmdline(pid) !== undefined).map((pid) => `${pid}: ${cmdline(pid)}`));
  expect(left, run.output()).toEqual([]);
  expect(await portOpen(run.port)).toBe(false);
  // npm passes on flotte's own exit: 0 means it closed cleanly, not cut short by a repeated signal.
  // Ctrl-C reaches npm too, which may end by that SIGINT itself (what a shell shows as 130) either way.
  if (npmAlsoGotSignal && run.proc.signalCode === 'SIGINT') return;
  expect(run.proc.exitCode, run.output()).toBe(0);
}

describe('npm start (the README set-up command)', () => {
  it('Ctrl-C in its terminal (SIGINT to the foreground process group) ends flotte', async () => {
    const run = await npmStart();
    expect(watched.some((pid) => / up /.test(cmdline(pid) ?? ''))).toBe(true);
    process.kill(-run.proc.pid!, 'SIGINT');
    await expectAllGone(run, true);
  }, 240_000);

  it('SIGTERM to npm alone (as a supervisor sends it) ends flotte', async () => {
    const run = await npmStart();
    process.kill(run.proc.pid!, 'SIGTERM');
    await expectAllGone(run);
  }, 240_000);
});
