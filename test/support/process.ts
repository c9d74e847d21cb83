import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, startFlotteUp, type StartUpOptions, type UpProcess } from '../../src/campaign/kill/up-process.js';

// The process primitives live in src so that the kill campaign (npm run campaign:kill) uses the very same ones.
export { BIN, ROOT, freePort, waitFor, type UpProcess } from '../../src/campaign/kill/up-process.js';

export function tempDir(prefix = 'flotte-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
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

/** Starts `flotte up` in `cwd` and resolves once it serves requests; `getJson` then knows its token. */
export async function startUp(cwd: string, args: string[] = [], env: Record<string, string> = {}, opts: StartUpOptions = {}): Promise<UpProcess> {
  const up = await startFlotteUp(cwd, args, env, opts);
  tokens.set(new URL(up.url).origin, up.token);
  return up;
}

/** Admin tokens of the servers `startUp` started, by origin, so `getJson` needs no token argument. */
const tokens = new Map<string, string>();

export async function getJson<T>(url: string, token = tokens.get(new URL(url).origin)): Promise<T> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** `flotte sim serve` on `port` with an EC2 endpoint in eu-west-1a (`options`: the sim's JSON options); resolves once it serves. The caller kills it. */
export async function serveEc2(port: number, options?: Record<string, unknown>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'sim', 'serve', '--port', String(port), '--zones', 'eu-west-1a', ...(options ? ['--options', JSON.stringify(options)] : [])], { cwd: ROOT });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('EC2 endpoint at')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`flotte sim serve exited ${code}: ${out}`)));
  });
  return child;
}
