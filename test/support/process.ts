import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/flotte.js');

export function tempDir(prefix = 'flotte-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

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

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `flotte` binary, as a user would. */
export function runCli(args: string[], opts: { cwd?: string; server?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [BIN, ...(opts.server ? ['--server', opts.server] : []), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
}

export interface UpProcess {
  proc: ChildProcess;
  url: string;
  /** The admin token `flotte up` wrote to `<cwd>/.flotte/admin-token`. */
  token: string;
  output(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: the crash. */
  kill(): Promise<void>;
}

/** Starts `flotte up` in `cwd` and resolves once it serves requests. */
export async function startUp(cwd: string, args: string[] = [], env: Record<string, string> = {}, opts: { port?: number; launcher?: string[] } = {}): Promise<UpProcess> {
  // A fixed port lets a restarted controller keep the address its agents were given.
  const port = opts.port ?? (await freePort());
  // `launcher` starts flotte some other way than `node bin/flotte.js` (from PATH, through npx).
  const [command, ...prefix] = opts.launcher ?? [process.execPath, BIN];
  const proc = spawn(command!, [...prefix, 'up', '--port', String(port), '--interval', '500', ...args], { cwd, env: { ...process.env, ...env } });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((res) => proc.on('exit', () => res()));
  const url = `http://127.0.0.1:${port}`;
  // Generous: the suites share a small machine with other process tests.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`flotte up exited ${proc.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL'); // a test that gives up must not leave a controller behind
      throw new Error(`flotte up did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const dataDir = args.includes('--data-dir') ? args[args.indexOf('--data-dir') + 1]! : '.flotte';
  let token: string;
  try {
    token = readFileSync(resolve(cwd, dataDir, 'admin-token'), 'utf8').trim();
  } catch (e) {
    proc.kill('SIGKILL'); // no token to hand back: the caller cannot stop what it never got
    throw e;
  }
  tokens.set(new URL(url).origin, token);
  const end = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  return { proc, url, token, output: () => out, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

/** Admin tokens of the servers `startUp` started, by origin, so `getJson` needs no token argument. */
const tokens = new Map<string, string>();

export async function getJson<T>(url: string, token = tokens.get(new URL(url).origin)): Promise<T> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls until `check` holds; wall-clock waiting is fine here: these tests run real processes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
