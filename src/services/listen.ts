import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Refusal } from '../domain/refusal.js';

/** The port another process holds: said in one line, with the way out. */
export class PortInUse extends Refusal {
  constructor(host: string, port: number) {
    super(`port ${port} on ${host} is in use: stop what holds it or pass --port`, 1);
    this.name = 'PortInUse';
  }
}

/**
 * Checks that `host:port` can be listened on, before a start creates anything (a data dir, a
 * store): a refused start leaves nothing behind. The port is let go at once; `listenOn` still
 * says the same if another process takes it in between.
 */
export function ensurePortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new PortInUse(host, port) : e));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** `app.listen`, with a busy port reported as PortInUse rather than a raw EADDRINUSE. */
export async function listenOn(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUse(host, port);
    throw e;
  }
}
