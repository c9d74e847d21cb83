import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../../clock/clock.js';
import { isProviderError, type LaunchRequest, type OwnerFilter } from '../../provider.js';
import type { SimCloud } from '../sim-cloud.js';
import type { CallLog } from './call-log.js';
import { SIM_CALLER_HEADER, SIM_METHODS, toWire, type ServedCall, type SimMethod } from './wire.js';

export interface FlotteFaceOptions {
  /**
   * Extra time before each mutating answer is sent, after the cloud has acted (a slow cloud
   * API whose work is done before the caller hears so: the window HA tests crash into).
   */
  answerDelayMs?: number | undefined;
}

const MUTATING = new Set<SimMethod>(['launch', 'terminate', 'reboot', 'stop', 'start']);

/** Answers a request on flotte's JSON face, or returns false when the path is not one of its. */
export type FaceHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/**
 * The sim's own JSON face (what RemoteSim speaks): POST /<method> with JSON, and GET /calls,
 * /inflight, /machines, /healthz to watch it. Node runs each request's cloud step to completion
 * before the next, so the cloud needs no lock.
 */
export function flotteFace(sim: SimCloud, log: CallLog, clock: Clock, opts: FlotteFaceOptions = {}): FaceHandler {
  return async (req, res, path) => {
    if (req.method === 'GET' && path === '/healthz') return sent(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/calls') return sent(res, 200, log.calls);
    if (req.method === 'GET' && path === '/inflight') return sent(res, 200, [...log.inflight]);
    if (req.method === 'GET' && path === '/machines') return sent(res, 200, sim.all());
    const method = path.slice(1) as SimMethod;
    if (req.method !== 'POST' || !SIM_METHODS.includes(method)) return false;
    const body = JSON.parse(await read(req)) as Record<string, unknown>;
    const call = log.open({ face: 'flotte', at: clock.now(), caller: String(req.headers[SIM_CALLER_HEADER] ?? 'unknown'), method, outcome: 'ok' }, method !== 'list');
    try {
      const out = await dispatch(sim, method, body, call);
      if (MUTATING.has(method) && opts.answerDelayMs) await clock.sleep(opts.answerDelayMs);
      call.answeredAt = clock.now();
      return sent(res, 200, out);
    } catch (e) {
      call.outcome = 'error';
      call.error = (e as Error).message;
      if (!isProviderError(e)) throw e;
      return sent(res, e.kind === 'throttled' ? 429 : 400, { error: toWire(e) });
    } finally {
      log.close(call);
    }
  };
}

async function dispatch(sim: SimCloud, method: SimMethod, body: Record<string, unknown>, call: ServedCall): Promise<unknown> {
  const ids = (body.ids ?? []) as string[];
  switch (method) {
    case 'launch': {
      const request = body.request as LaunchRequest;
      call.token = request.token;
      call.count = request.count;
      // A replayed token creates nothing: the log shows whether a launch made machines. The
      // cloud acts before launch() returns, so the count read straight after is this call's
      // alone, whatever other requests run while its answer is awaited (and costs nothing,
      // where copying the cloud to count cost 0.7 s a launch at 100,000 machines).
      const before = sim.createdCount;
      const answer = sim.launch(request);
      const created = sim.createdCount - before;
      const out = await answer;
      call.created = created;
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
      return sim.list(body.filter as OwnerFilter);
  }
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

/** Sends JSON; true, so a handler can `return sent(...)`. */
export function sent(res: ServerResponse, status: number, body: unknown): true {
  // Errors carry ProviderError as data; launch failures inside a result stay inside the result.
  const text = JSON.stringify(body, (_k, v: unknown) => (isProviderError(v) ? toWire(v) : v));
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
  return true;
}
