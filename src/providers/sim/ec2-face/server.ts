import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ec2Face } from './face.js';
import { parseForm } from './query.js';

export interface RunningFace {
  url: string;
  server: Server;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Serves the face over HTTP as EC2 does: POST of a form-encoded Query request (GET with a
 * query string also works), XML back. Signatures are not checked: any keys do.
 */
export async function serveEc2Face(face: Ec2Face, opts: { host?: string; port?: number } = {}): Promise<RunningFace> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://face');
      const form = req.method === 'POST' ? await body(req) : url.search.slice(1);
      const { status, xml } = await face.handle(parseForm(form));
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': /<request[iI][dD]>([^<]+)/.exec(xml)?.[1] ?? '' });
      res.end(xml);
    })().catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
