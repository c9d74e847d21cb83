import { createServer as httpServer, type Server } from 'node:http';
import { createServer as tcpServer, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../clock/clock.js';
import type { AgentReadinessCheck as ReadinessCheck } from '../api/contract/index.js';
import { ReadinessProbe, runCheck } from './readiness.js';

const check = (kind: ReadinessCheck['kind'], target: string, timeoutMs = 2_000): ReadinessCheck => ({ kind, target, timeoutMs, intervalMs: 50 });
const servers: (Server | TcpServer)[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});
const listen = (s: Server | TcpServer, port = 0): Promise<number> => {
  servers.push(s);
  return new Promise((r) => s.listen(port, '127.0.0.1', () => r((s.address() as { port: number }).port)));
};
/** A port nothing listens on: bound, then closed. */
const freePort = async (): Promise<number> => {
  const s = tcpServer();
  const port = await listen(s);
  servers.pop();
  await new Promise((r) => s.close(r));
  return port;
};

describe('readiness checks, run for real on this host', () => {
  it('tcp: passes once a listener accepts; before, says what connect said', async () => {
    const port = await freePort();
    const before = await runCheck(check('tcp', `127.0.0.1:${port}`), realClock);
    expect(before).toMatchObject({ ok: false, output: `connect ECONNREFUSED 127.0.0.1:${port}` });
    expect(before.at).toBeGreaterThan(Date.UTC(2026, 0, 1));
    await listen(tcpServer((c) => c.end()), port);
    expect(await runCheck(check('tcp', `127.0.0.1:${port}`), realClock)).toMatchObject({ ok: true, output: `connected to 127.0.0.1:${port}` });
  });

  it('tcp: a target it cannot even try is a failing result, not a crash', async () => {
    expect(await runCheck(check('tcp', '127.0.0.1:99999'), realClock)).toMatchObject({ ok: false, output: expect.stringMatching(/port.*99999/i) });
  });

  it('http: 2xx passes, 503 fails with its status and body, a closed port fails with the connect error', async () => {
    let status = 503;
    const port = await listen(httpServer((_req, res) => res.writeHead(status).end(status === 200 ? 'ok' : 'migrations running')));
    const url = `http://127.0.0.1:${port}/health`;
    expect(await runCheck(check('http', url), realClock)).toMatchObject({ ok: false, output: 'HTTP 503: migrations running' });
    status = 200;
    expect(await runCheck(check('http', url), realClock)).toMatchObject({ ok: true, output: 'HTTP 200: ok' });
    const closed = await freePort();
    expect(await runCheck(check('http', `http://127.0.0.1:${closed}/`), realClock)).toMatchObject({ ok: false, output: `connect ECONNREFUSED 127.0.0.1:${closed}` });
  });

  it('http: a server that never answers fails at the timeout', async () => {
    const port = await listen(httpServer(() => undefined));
    const r = await runCheck(check('http', `http://127.0.0.1:${port}/`, 300), realClock);
    expect(r).toMatchObject({ ok: false, output: 'no answer within 0.3s' });
  });

  it('command: exit 0 passes with its output; a failure shows the exit code and the end of a long output', async () => {
    expect(await runCheck(check('command', 'echo accepting connections'), realClock)).toMatchObject({ ok: true, output: 'accepting connections' });
    expect(await runCheck(check('command', 'echo no response >&2; exit 2'), realClock)).toMatchObject({ ok: false, output: 'exit 2: no response' });
    const long = await runCheck(check('command', 'seq 1 2000; exit 1'), realClock);
    expect(long.output.length).toBe(500);
    expect(long.output).toMatch(/^….*\n2000$/s);
  });

  it('command: one that outlives its timeout is killed with what it started', async () => {
    const started = realClock.now();
    const r = await runCheck(check('command', 'sleep 30 & sleep 30', 300), realClock);
    expect(r).toMatchObject({ ok: false, output: 'no answer within 0.3s' });
    expect(realClock.now() - started).toBeLessThan(2_000);
  });

  it('the probe keeps the last result and calls back when the check starts and stops passing', async () => {
    const port = await freePort();
    const flips: boolean[] = [];
    const probe = new ReadinessProbe(check('tcp', `127.0.0.1:${port}`), realClock, () => flips.push(probe.last!.ok));
    const stop = new AbortController();
    const running = probe.run(stop.signal);
    const until = async (f: () => boolean) => {
      while (!f()) await realClock.sleep(20);
    };
    await until(() => flips.length === 1);
    await listen(tcpServer((c) => c.end()), port);
    await until(() => flips.length === 2);
    expect(flips).toEqual([false, true]);
    stop.abort();
    await running;
  });
});
