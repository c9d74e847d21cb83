import { createServer, type Server } from 'node:http';

/** The default port of the agent's local endpoint, where the workload says busy or idle. */
export const AGENT_PORT = 7421;

/** The busy count the workload maintains, and whether the agent is draining. */
export class WorkState {
  busy = 0;
  draining = false;

  change(delta: number): number {
    this.busy = Math.max(0, this.busy + delta);
    return this.busy;
  }
}

/**
 * `POST /busy` (+1), `POST /idle` (−1), `GET /status`, `GET /healthz` on 127.0.0.1 only:
 * the workload on the machine talks to it, nothing from outside. Resolves with the port,
 * which matters when asked for port 0 (several local machines on one host).
 */
export function startLocalEndpoint(work: WorkState, port: number, host = '127.0.0.1'): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    req.resume();
    if (req.method === 'POST' && req.url === '/busy') return reply(200, { busy: work.change(1) });
    if (req.method === 'POST' && req.url === '/idle') return reply(200, { busy: work.change(-1) });
    if (req.method === 'GET' && req.url === '/status') return reply(200, { busy: work.busy, draining: work.draining });
    if (req.method === 'GET' && req.url === '/healthz') return reply(200, { ok: true });
    return reply(404, { error: 'not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}
