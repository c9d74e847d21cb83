import { createServer as httpServer, type Server } from 'node:http';
import { createServer as tcpServer, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../src/clock/clock.js';
import { DEFAULT_HEALTH } from '../src/domain/health.js';
import { killAgents, localBase, localDir, startLocal } from './support/local.js';
import { freePort, getJson, runCli, waitFor, type UpProcess } from './support/process.js';

interface EnvJson {
  id: string;
  status: string;
  reason?: string;
  readyAt?: number;
  roleStatus: { name: string; machines: { id: string; state: string; readiness?: { ok: boolean; at: number; output: string } }[] }[];
}

/**
 * Real agents on `local` run each role's check on this host: `db` a TCP connect, `app` an HTTP
 * GET, `broken` a command that always fails. The test owns the TCP and HTTP ends, so it decides
 * when the first two start passing.
 */
const config = (tcpPort: number, httpPort: number) => `${localBase('envready')}environments:
  templates:
    stack:
      roles:
        db: { template: agent, readyTimeout: 2m, ready: { tcp: ${tcpPort}, interval: 1s } }
        app: { template: agent, readyTimeout: 2m, ready: { http: "http://127.0.0.1:${httpPort}/health", timeout: 2s, interval: 1s } }
    broken:
      roles:
        web: { template: agent, readyTimeout: 20s, ready: { command: "echo migrations pending on {{role}}; exit 3", interval: 1s } }
`;

let up: UpProcess | undefined;
let dir: string | undefined;
const servers: (Server | TcpServer)[] = [];
afterEach(async () => {
  await up?.stop();
  if (dir) await killAgents(dir);
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  up = dir = undefined;
});
const listen = (s: Server | TcpServer, port: number) => {
  servers.push(s);
  return new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
};

describe('readiness checks on local (real agents run them)', () => {
  it('a failing check keeps the environment creating, then fails it naming the role, the machine and what the check saw', async () => {
    dir = localDir(config(await freePort(), await freePort()));
    up = await startLocal(dir);
    const show = (id: string) => getJson<EnvJson>(`${up!.url}/api/v1/environments/${id}`);
    const made = await runCli(['env', 'create', 'legacy', '--template', 'broken', '--no-wait', '--json'], { cwd: dir, server: up.url });
    expect(made.stderr).toBe('');
    const { id } = JSON.parse(made.stdout) as EnvJson;

    // The machine is up and its agent reports the failing check: the environment still waits.
    const seen = await waitFor('the failing check reported', async () => {
      const e = await show(id);
      const m = e.roleStatus[0]!.machines[0];
      return m?.state === 'ready' && m.readiness ? { e, m } : undefined;
    }, 90_000);
    expect(seen.e.status).toBe('creating');
    expect(seen.m.readiness).toMatchObject({ ok: false, output: 'exit 3: migrations pending on web' });
    const shown = await runCli(['env', 'show', id], { cwd: dir, server: up.url });
    expect(shown.stdout).toMatch(new RegExp(`^web\\s+1/1\\s+${seen.m.id}:ready\\(check failing\\)$`, 'm'));

    const failed = await waitFor('failed', async () => {
      const e = await show(id);
      return e.status === 'failed' || e.status === 'failing' ? e : undefined;
    }, 90_000);
    expect(failed.reason).toBe(`role web: machine ${seen.m.id}: readiness check command echo migrations pending on web; exit 3 not passing after 20s, failing: exit 3: migrations pending on web`);
    await waitFor('every machine released', async () => (await show(id)).status === 'failed', 60_000);
  }, 240_000);

  it('checks that pass late make the environment ready within one heartbeat', async () => {
    const [tcpPort, httpPort] = [await freePort(), await freePort()];
    let healthy = false;
    await listen(httpServer((_req, res) => res.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'warming up')), httpPort);
    dir = localDir(config(tcpPort, httpPort));
    up = await startLocal(dir);
    const show = (id: string) => getJson<EnvJson>(`${up!.url}/api/v1/environments/${id}`);
    const made = await runCli(['env', 'create', 'stack-1', '--template', 'stack', '--no-wait', '--json'], { cwd: dir, server: up.url });
    expect(made.stderr).toBe('');
    const { id } = JSON.parse(made.stdout) as EnvJson;

    const waiting = await waitFor('both checks reported failing', async () => {
      const e = await show(id);
      const ms = e.roleStatus.flatMap((r) => r.machines);
      return ms.length === 2 && ms.every((m) => m.state === 'ready' && m.readiness?.ok === false) ? e : undefined;
    }, 90_000);
    expect(waiting.status).toBe('creating');
    const byRole = Object.fromEntries(waiting.roleStatus.map((r) => [r.name, r.machines[0]!.readiness!.output]));
    expect(byRole).toEqual({ db: `connect ECONNREFUSED 127.0.0.1:${tcpPort}`, app: 'HTTP 503: warming up' });

    // The database starts accepting connections and the application answers: both pass now.
    await listen(tcpServer((c) => c.end()), tcpPort);
    healthy = true;
    const passedAt = realClock.now();
    const ready = await waitFor('ready', async () => {
      const e = await show(id);
      return e.status === 'ready' ? e : undefined;
    }, 30_000);
    expect(ready.readyAt! - passedAt).toBeLessThan(DEFAULT_HEALTH.heartbeatIntervalMs);
    expect(ready.roleStatus.flatMap((r) => r.machines.map((m) => m.readiness?.ok))).toEqual([true, true]);
  }, 240_000);
});
