import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { realClock } from '../../clock/clock.js';

/**
 * A real `flotte up` process, as the crash tests and the kill campaign drive it: started on a
 * data dir, killed with SIGKILL, started again on the same dir. Nothing here imports a test
 * framework; test/support/process.ts builds its helpers on these.
 */
export const ROOT = resolve(import.meta.dirname, '../../..');
export const BIN = join(ROOT, 'bin/flotte.js');

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

/** Polls until `check` holds; wall-clock waiting is what a test of real processes does. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = realClock.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (realClock.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await realClock.sleep(250);
  }
}

export interface UpProcess {
  proc: ChildProcess;
  url: string;
  /** The admin token `flotte up` wrote to `<dataDir>/admin-token`. */
  token: string;
  output(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (of the whole process group when started with `group`): the crash. */
  kill(): Promise<void>;
}

export interface StartUpOptions {
  /** A fixed port lets a restarted controller keep the address its agents were given. */
  port?: number | undefined;
  /** Starts flotte some other way than `node bin/flotte.js` (from PATH, through npx). */
  launcher?: string[] | undefined;
  /**
   * Leads a process group of its own, so `kill` reaches everything `flotte up` started and
   * `groupMembers` can tell whether anything of it is left.
   */
  group?: boolean | undefined;
}

/** Starts `flotte up` in `cwd` and resolves once it serves requests. */
export async function startFlotteUp(cwd: string, args: string[] = [], env: Record<string, string> = {}, opts: StartUpOptions = {}): Promise<UpProcess> {
  const port = opts.port ?? (await freePort());
  const [command, ...prefix] = opts.launcher ?? [process.execPath, BIN];
  const proc = spawn(command!, [...prefix, 'up', '--port', String(port), '--interval', '500', ...args], { cwd, env: { ...process.env, ...env }, detached: opts.group ?? false });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((res) => proc.on('exit', () => res()));
  const signal = (s: NodeJS.Signals) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    // The group too: whatever flotte started goes with it, as it would when a host dies.
    if (opts.group && s === 'SIGKILL') killGroup(proc.pid!);
    else proc.kill(s);
  };
  const url = `http://127.0.0.1:${port}`;
  // Generous: the suites share a small machine with other process tests.
  const deadline = realClock.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`flotte up exited ${proc.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (realClock.now() > deadline) {
      signal('SIGKILL'); // a caller that gives up must not leave a controller behind
      throw new Error(`flotte up did not start:\n${out}`);
    }
    await realClock.sleep(100);
  }
  const dataDir = args.includes('--data-dir') ? args[args.indexOf('--data-dir') + 1]! : '.flotte';
  let token: string;
  try {
    token = readFileSync(resolve(cwd, dataDir, 'admin-token'), 'utf8').trim();
  } catch (e) {
    signal('SIGKILL'); // no token to hand back: the caller cannot stop what it never got
    throw e;
  }
  const end = async (s: NodeJS.Signals) => {
    signal(s);
    await exited;
  };
  return { proc, url, token, output: () => out, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // the group is already empty
  }
}

interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
}

/** Every process the kernel lists (Linux /proc); empty where there is no /proc. */
function processes(): ProcStat[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(p), ppid: Number(ppid), pgrp: Number(pgrp), state: state! });
    } catch {
      // it ended while being read
    }
  }
  return out;
}

/** Live processes (zombies excluded) in the process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  return processes()
    .filter((p) => p.pgrp === pgid && p.state !== 'Z')
    .map((p) => p.pid);
}

/** Live descendants of `pid`: what it spawned, and what those spawned. */
export function descendants(pid: number): number[] {
  const all = processes().filter((p) => p.state !== 'Z');
  const found: number[] = [];
  const frontier = [pid];
  while (frontier.length) {
    const parent = frontier.pop()!;
    for (const p of all) {
      if (p.ppid === parent) {
        found.push(p.pid);
        frontier.push(p.pid);
      }
    }
  }
  return found;
}

/** Whether `pid` is still a live (not zombie) process. */
export function alive(pid: number): boolean {
  return processes().some((p) => p.pid === pid && p.state !== 'Z');
}
