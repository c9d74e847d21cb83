import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realClock, type Clock } from '../../../clock/clock.js';
import type { Ec2Face } from '../ec2-face/face.js';
import { ec2Handler } from '../ec2-face/server.js';
import type { SimCloud } from '../sim-cloud.js';
import { CallLog } from './call-log.js';
import { logEc2Calls } from './ec2-calls.js';
import { flotteFace, sent } from './flotte-face.js';
import type { ServedCall } from './wire.js';

export interface SimServerOptions {
  /** Extra time before each mutating answer of flotte's face is sent, after the cloud has acted (a slow cloud API). */
  latencyMs?: number;
  /** Stamps the call log and paces the latency; the real clock by default. */
  clock?: Clock;
}

export interface RunningSimServer {
  url: string;
  server: Server;
  /** The one call log of every face (newest SIM_CALL_LOG to twice that). */
  calls: ServedCall[];
  close(): Promise<void>;
}

export interface SimFaces {
  /** flotte's JSON face (RemoteSim, `server:` in a sim provider); `answerDelayMs` as in flotteFace. */
  flotte?: { answerDelayMs?: number | undefined } | undefined;
  /** The EC2 Query face over the same sim (the aws provider, the SDK, the AWS CLI). */
  ec2?: Ec2Face | undefined;
}

/**
 * Serves one SimCloud through its faces on one port, with one call log. EC2 Query requests
 * come to `/` (where every EC2 client sends them); flotte's face owns its named paths. With
 * only the EC2 face, every path is EC2's, as it always was. Each request's cloud step runs to
 * completion before the next, so the cloud needs no lock; its statePath persistence keeps
 * working across restarts of the server.
 */
export async function serveSimFaces(sim: SimCloud, faces: SimFaces, at: { host: string; port: number; clock?: Clock | undefined }): Promise<RunningSimServer> {
  const clock = at.clock ?? realClock;
  const log = new CallLog();
  const flotte = faces.flotte ? flotteFace(sim, log, clock, faces.flotte) : undefined;
  const ec2 = faces.ec2 ? ec2Handler(faces.ec2, logEc2Calls(sim, log, clock)) : undefined;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (ec2 && (!flotte || path === '/')) return ec2(req, res);
    flotte!(req, res, path)
      .then((answered) => answered || sent(res, 404, { message: `no route ${req.method} ${path}` }))
      .catch((err: unknown) => sent(res, 500, { error: { kind: 'unavailable', message: String(err), details: {} } }));
  });
  if (ec2) server.keepAliveTimeout = 60_000;
  await new Promise<void>((res) => server.listen(at.port, at.host, res));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${at.host}:${bound}`,
    server,
    calls: log.calls,
    close: () => new Promise<void>((res) => {
      server.closeAllConnections();
      server.close(() => res());
    }),
  };
}

/** flotte's face alone: GET /calls returns the log, GET /inflight what is unanswered. */
export function serveSim(sim: SimCloud, host: string, port: number, opts: SimServerOptions = {}): Promise<RunningSimServer> {
  return serveSimFaces(sim, { flotte: { answerDelayMs: opts.latencyMs } }, { host, port, clock: opts.clock });
}
