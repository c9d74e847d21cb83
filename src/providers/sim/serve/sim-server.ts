import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realClock, type Clock } from '../../../clock/clock.js';
import { isProviderError, type LaunchRequest } from '../../provider.js';
import type { SimCloud } from '../sim-cloud.js';
import { SIM_CALLER_HEADER, toWire, type ServedCall, type SimMethod } from './wire.js';

export interface SimServerOptions {
  /** Extra time before each mutating answer is sent, after the cloud has acted (a slow cloud API). */
  latencyMs?: number;
  /** Stamps the call log and paces the latency; the real clock by default. */
  clock?: Clock;
}

export interface RunningSimServer {
  url: string;
  server: Server;
  calls: ServedCall[];
  close(): Promise<void>;
}

const MUTATING = new Set<SimMethod>(['launch', 'terminate', 'reboot', 'stop', 'start']);

/**
 * Serves one SimCloud to many processes. Node runs each request's cloud step to completion
 * before the next, so the cloud needs no lock; its own statePath persistence keeps working
 * for restarts of the server. GET /calls returns the log, GET /inflight what is unanswered.
 */
export async function serveSim(sim: SimCloud, host: string, port: number, opts: SimServerOptions = {}): Promise<RunningSimServer> {
  const calls: ServedCall[] = [];
  const clock = opts.clock ?? realClock;
  const inflight = new Set<ServedCall>();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: { kind: 'unavailable', message: String(err), details: {} } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/calls') return send(res, 200, calls);
    if (req.method === 'GET' && path === '/inflight') return send(res, 200, [...inflight]);
    if (req.method === 'GET' && path === '/machines') return send(res, 200, sim.all());
    const method = path.slice(1) as SimMethod;
    if (req.method !== 'POST' || !['launch', 'terminate', 'reboot', 'stop', 'start', 'list'].includes(method)) return send(res, 404, { message: `no route ${req.method} ${path}` });
    const body = JSON.parse(await read(req)) as Record<string, unknown>;
    const call: ServedCall = { seq: calls.length + 1, at: clock.now(), caller: String(req.headers[SIM_CALLER_HEADER] ?? 'unknown'), method, outcome: 'ok' };
    if (method !== 'list') calls.push(call);
    inflight.add(call);
    try {
      const out = await dispatch(method, body, call);
      if (MUTATING.has(method) && opts.latencyMs) await clock.sleep(opts.latencyMs);
      call.answeredAt = clock.now();
      send(res, 200, out);
    } catch (e) {
      call.outcome = 'error';
      call.error = (e as Error).message;
      if (!isProviderError(e)) throw e;
      send(res, e.kind === 'throttled' ? 429 : 400, { error: toWire(e) });
    } finally {
      inflight.delete(call);
    }
  }

  async function dispatch(method: SimMethod, body: Record<string, unknown>, call: ServedCall): Promise<unknown> {
    const ids = (body.ids ?? []) as string[];
    switch (method) {
      case 'launch': {
        const request = body.request as LaunchRequest;
        call.token = request.token;
        call.count = request.count;
        const made = () => sim.all().filter((m) => m.token === request.token).length;
        const before = made();
        const out = await sim.launch(request);
        // A replayed token creates nothing: the log shows whether a launch made machines.
        call.created = made() - before;
        return out;
      }
      case 'terminate':
        call.ids = ids;
        return sim.terminate(ids);
      case 'reboot':
        call.ids = ids;
        return sim.reboot(ids, { hard: body.hard === true });
      case 'stop':
        call.ids = ids;
        return sim.stop(ids);
      case 'start':
        call.ids = ids;
        return sim.start(ids);
      case 'list':
        return sim.list(body.filter as { cluster: string; pool?: string });
    }
  }

  await new Promise<void>((res) => server.listen(port, host, res));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    server,
    calls,
    close: () => new Promise<void>((res) => {
      server.closeAllConnections();
      server.close(() => res());
    }),
  };
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((res, rej) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (text += d));
    req.on('end', () => res(text || '{}'));
    req.on('error', rej);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  // Errors carry ProviderError as data; launch failures inside a result stay inside the result.
  const text = JSON.stringify(body, (_k, v: unknown) => (isProviderError(v) ? toWire(v) : v));
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}
