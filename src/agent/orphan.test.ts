import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../../test/support/process.js';
import { realClock } from '../clock/clock.js';
import { runAgent } from './agent.js';

/** A controller stand-in that accepts every join (handing out a credential, as the API does) and heartbeat until it is closed for good. */
async function controller(): Promise<{ url: string; joins: () => number; close: () => Promise<void> }> {
  let joins = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    if (req.url === '/api/v1/agents/join') joins++;
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ heartbeatIntervalMs: 100, drain: null, credential: 'fac_test' })));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let closed = false;
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    joins: () => joins,
    close: async () => {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, f: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = realClock.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (realClock.now() > end) throw new Error(`timed out: ${what}`);
    await realClock.sleep(50);
  }
}

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('an agent whose controller is gone', () => {
  it('gives up after orphanAfterMs: runAgent returns and its local endpoint no longer listens', async () => {
    const ctl = await controller();
    cleanups.push(() => ctl.close());
    const dir = mkdtempSync(join(tmpdir(), 'flotte-orphan-'));
    const stop = new AbortController();
    cleanups.push(() => stop.abort());
    const run = runAgent({ server: ctl.url, pool: 'workers', joinToken: 'fjt_x', machine: 'local-0a1b2c3d4e', port: 0, dir, bootDelayMs: 0, heartbeatIntervalMs: 100, orphanAfterMs: 500 }, realClock, pino({ level: 'silent' }), stop.signal);
    await until('joined', () => ctl.joins() > 0);
    const port = Number(readFileSync(join(dir, 'port'), 'utf8'));
    expect(await portOpen(port)).toBe(true);

    await ctl.close();
    await expect(run).resolves.toBe('orphaned');
    expect(await portOpen(port)).toBe(false);
  });

  it('a pre-stop hook still running when the agent gives up is ended with it', async () => {
    let drain = false;
    const server: Server = createServer((req, res) => {
      req.resume();
      const orders = { heartbeatIntervalMs: 100, credential: 'fac_test', drain: drain ? { deadline: realClock.now() + 60_000, preStop: { command: `echo $$ > ${hookPid}; exec sleep 60`, timeoutMs: 60_000 } } : null };
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(orders)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const close = () => (server.closeAllConnections(), new Promise((r) => server.close(r)));
    cleanups.push(() => void (server.listening && close()));
    const dir = mkdtempSync(join(tmpdir(), 'flotte-orphan-'));
    const hookPid = join(dir, 'hook.pid');
    const stop = new AbortController();
    cleanups.push(() => stop.abort());
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const run = runAgent({ server: url, pool: 'workers', joinToken: 'fjt_x', machine: 'local-1f2e3d4c5b', port: 0, dir, bootDelayMs: 0, heartbeatIntervalMs: 100, orphanAfterMs: 500 }, realClock, pino({ level: 'silent' }), stop.signal);
    drain = true;
    const pid = await until('hook started', () => existsSync(hookPid) && Number(readFileSync(hookPid, 'utf8')));
    cleanups.push(() => void (alive(pid) && process.kill(pid, 'SIGKILL')));

    await close();
    await expect(run).resolves.toBe('orphaned');
    await until('hook ended', () => !alive(pid), 5_000);
  });

  it('a real `flotte agent` process exits on its own, with code 1 and one line saying why', async () => {
    const ctl = await controller();
    cleanups.push(() => ctl.close());
    const dir = mkdtempSync(join(tmpdir(), 'flotte-orphan-'));
    const agent: ChildProcess = spawn(process.execPath, [BIN, 'agent', '--machine-id', 'local-5f6e7d8c9b', '--pool', 'workers', '--join-token', 'fjt_x', '--port', '0', '--dir', dir, '--orphan-after', '2s'], {
      cwd: dir,
      env: { ...process.env, FLOTTE_SERVER: ctl.url, FLOTTE_SESSIONS: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => void (agent.exitCode === null && agent.signalCode === null && agent.kill('SIGKILL')));
    let stderr = '';
    agent.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => agent.once('exit', (code) => r(code)));

    await until('joined', () => ctl.joins() > 0, 60_000);
    await ctl.close();
    const gone = realClock.now();
    // Generous: 2 s of grace, one failed request of up to 5 s, and a shared machine.
    const code = await Promise.race([exited, realClock.sleep(30_000).then(() => 'still running' as const)]);
    expect(code).toBe(1);
    expect(realClock.now() - gone).toBeGreaterThanOrEqual(2_000);
    expect(stderr).toMatch(/^flotte: no controller at http:\/\/127\.0\.0\.1:\d+ for 2s: the agent gave up/m);
  });
});

describe('flotte agent --orphan-after', () => {
  it('refuses a value that is not a duration: exit 2 naming the flag', async () => {
    const r = await runCli(['agent', '--machine-id', 'local-1', '--pool', 'workers', '--join-token', 'fjt_x', '--orphan-after', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('flotte: --orphan-after must be a duration like 90s, 10m or 1h (got "soon")');
  });
});
