import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ec2Face } from './face.js';
import { parseForm, type Params } from './query.js';

export interface RunningFace {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Told of each request before the face answers it; what it returns is told the answer. The
 * served sim's call log listens here, so that it sees EC2 requests as it sees its own.
 */
export type Ec2Listener = (params: Params, req: IncomingMessage) => ((status: number, xml: string) => void) | undefined;

async function body(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Answers HTTP as EC2 does: POST of a form-encoded Query request (GET with a query string also
 * works), XML back. Signatures are not checked: any keys do.
 */
export function ec2Handler(face: Ec2Face, listen?: Ec2Listener): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://face');
      const form = req.method === 'POST' ? await body(req) : url.search.slice(1);
      const params = parseForm(form);
      const answered = listen?.(params, req);
      const { status, xml } = await face.handle(params);
      answered?.(status, xml);
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': /<request[iI][dD]>([^<]+)/.exec(xml)?.[1] ?? '' });
      res.end(xml);
    })().catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  };
}

/** Serves the face alone on its own port (`flotte sim serve` serves it beside flotte's face, see serve/). */
export async function serveEc2Face(face: Ec2Face, opts: { host?: string; port?: number } = {}): Promise<RunningFace> {
  const server = createServer(ec2Handler(face));
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
