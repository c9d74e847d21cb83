import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../clock/clock.js';
import type { AgentOrders, AgentReport } from '../api/contract/index.js';
import { runAgent } from './agent.js';

/**
 * A controller stand-in that records what agents send and answers with the orders the test sets.
 * A join with the token gets a fresh credential; a heartbeat needs the latest one.
 */
function controller(token: string) {
  const reports: { path: string; auth?: string; body: AgentReport }[] = [];
  let orders: AgentOrders = { heartbeatIntervalMs: 100, drain: null };
  let credential: string | undefined;
  let issued = 0;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      reports.push({ path: req.url!, auth: req.headers.authorization, body: JSON.parse(text) as AgentReport });
      const joining = req.url === '/api/v1/agents/join';
      if (req.headers.authorization !== `Bearer ${joining ? token : credential}`) return res.writeHead(401).end('{}');
      if (joining) credential = `fac_stand-in-${++issued}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(joining ? { ...orders, credential } : orders));
    });
  });
  return {
    reports,
    /** As after a restore: the credential the agent holds is no longer known. */
    forget: () => (credential = undefined),
    set: (o: Partial<AgentOrders>) => (orders = { ...orders, ...o }),
    url: () => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as { port: number }).port}`))),
    close: () => new Promise((r) => server.close(r)),
  };
}

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function until<T>(what: string, f: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = realClock.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (realClock.now() > end) throw new Error(`timed out: ${what}`);
    await realClock.sleep(25);
  }
}

describe('flotte agent (in process, against a stand-in controller)', () => {
  it('joins, heartbeats busy counts, drains on order: stops advertising, runs the pre-stop hook, reports drained at busy 0', async () => {
    const ctl = controller('fjt_good');
    const server = await ctl.url();
    const dir = mkdtempSync(join(tmpdir(), 'flotte-agent-'));
    const stop = new AbortController();
    const run = runAgent({ server, pool: 'workers', joinToken: 'fjt_good', machine: 'm-1', port: 0, dir, bootDelayMs: 0, heartbeatIntervalMs: 100 }, realClock, pino({ level: 'silent' }), stop.signal);
    stops.push(async () => {
      stop.abort();
      await run;
      await ctl.close();
    });

    await until('join', () => ctl.reports.find((r) => r.path === '/api/v1/agents/join'));
    const port = Number(readFileSync(join(dir, 'port'), 'utf8'));
    await fetch(`http://127.0.0.1:${port}/busy`, { method: 'POST' });
    await until('busy 1 reported', () => ctl.reports.some((r) => r.body.busy === 1));

    const marker = join(dir, 'pre-stop-ran');
    ctl.set({ drain: { deadline: realClock.now() + 60_000, preStop: { command: `sleep 0.2; touch ${marker}`, timeoutMs: 5_000 } } });
    await until('no longer available', () => ctl.reports.some((r) => !r.body.available));
    await until('hook ran', () => existsSync(marker));
    await realClock.sleep(300);
    expect(ctl.reports.some((r) => r.body.drained)).toBe(false); // still busy
    await fetch(`http://127.0.0.1:${port}/idle`, { method: 'POST' });
    const drained = await until('drained', () => ctl.reports.find((r) => r.body.drained));
    expect(drained.body).toMatchObject({ busy: 0, available: false, machine: 'm-1', pool: 'workers' });
    expect(drained.auth).toBe('Bearer fac_stand-in-1'); // its credential, not the join token

    // Reclaimed: the order is gone, the agent advertises again.
    ctl.set({ drain: null });
    const n = ctl.reports.length;
    await until('available again', () => ctl.reports.slice(n).find((r) => r.body.available && !r.body.drained));
  });

  it('reports drained at the deadline even while busy; a hook past its timeout is killed', async () => {
    const ctl = controller('t');
    const server = await ctl.url();
    const hookPid = join(mkdtempSync(join(tmpdir(), 'flotte-agent-')), 'hook.pid');
    const stop = new AbortController();
    const run = runAgent({ server, pool: 'p', joinToken: 't', machine: 'm-2', port: 0, bootDelayMs: 0, heartbeatIntervalMs: 100 }, realClock, pino({ level: 'silent' }), stop.signal);
    stops.push(async () => {
      stop.abort();
      await run;
      await ctl.close();
    });
    await until('join', () => ctl.reports.length > 0);
    const { port } = { port: Number(ctl.reports[0]!.body.address!.split(':')[1]) };
    await fetch(`http://127.0.0.1:${port}/busy`, { method: 'POST' });
    const started = realClock.now();
    ctl.set({ drain: { deadline: started + 800, preStop: { command: `echo $$ > ${hookPid}; exec sleep 30`, timeoutMs: 200 } } });
    const drained = await until('drained at deadline', () => ctl.reports.find((r) => r.body.drained));
    expect(drained.body.busy).toBe(1);
    expect(realClock.now() - started).toBeGreaterThanOrEqual(700);
    const pid = Number(readFileSync(hookPid, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow(); // the hook was killed at its timeout
  });

  it('reports with the credential its join returned, and joins again when the controller no longer knows it', async () => {
    const ctl = controller('fjt_launch');
    const server = await ctl.url();
    const stop = new AbortController();
    const run = runAgent({ server, pool: 'workers', joinToken: 'fjt_launch', machine: 'm-3', port: 0, bootDelayMs: 0, heartbeatIntervalMs: 100 }, realClock, pino({ level: 'silent' }), stop.signal);
    stops.push(async () => {
      stop.abort();
      await run;
      await ctl.close();
    });
    await until('two heartbeats', () => ctl.reports.filter((r) => r.path === '/api/v1/agents/heartbeat' && r.auth === 'Bearer fac_stand-in-1').length >= 2);
    expect(ctl.reports.filter((r) => r.path === '/api/v1/agents/join').map((r) => r.auth)).toEqual(['Bearer fjt_launch']);

    ctl.forget();
    await until('joined again, reporting with the new credential', () => ctl.reports.some((r) => r.path === '/api/v1/agents/heartbeat' && r.auth === 'Bearer fac_stand-in-2'));
    expect(ctl.reports.filter((r) => r.path === '/api/v1/agents/join')).toHaveLength(2);
  });

  it('runs the readiness check its orders name and reports a flip at once, not one heartbeat later', async () => {
    const ctl = controller('t');
    const server = await ctl.url();
    const flag = join(mkdtempSync(join(tmpdir(), 'flotte-agent-')), 'ready');
    const stop = new AbortController();
    // A long heartbeat interval: only the flip can explain a report soon after the check passes.
    ctl.set({ heartbeatIntervalMs: 60_000, readiness: { kind: 'command', target: `cat ${flag}`, timeoutMs: 1_000, intervalMs: 50 } });
    const run = runAgent({ server, pool: 'p', joinToken: 't', machine: 'm-4', port: 0, bootDelayMs: 0, heartbeatIntervalMs: 60_000 }, realClock, pino({ level: 'silent' }), stop.signal);
    stops.push(async () => {
      stop.abort();
      await run;
      await ctl.close();
    });
    const failing = await until('a failing result reported', () => ctl.reports.find((r) => r.body.readiness));
    expect(failing.body.readiness).toMatchObject({ ok: false, output: expect.stringMatching(/^exit 1: cat: .*ready: No such file or directory$/) });
    writeFileSync(flag, 'accepting connections\n');
    const passedAt = realClock.now();
    const passing = await until('the pass reported', () => ctl.reports.find((r) => r.body.readiness?.ok));
    expect(passing.body.readiness?.output).toBe('accepting connections');
    expect(realClock.now() - passedAt).toBeLessThan(2_000);
  });
});
