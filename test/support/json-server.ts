import { createServer } from 'node:http';
import { freePort } from './process.js';

/** A tiny HTTP endpoint serving a JSON document the test changes at will. */
export interface JsonServer {
  url: string;
  doc: unknown;
  close(): Promise<void>;
}

export async function jsonServer(doc: unknown): Promise<JsonServer> {
  const port = await freePort();
  const s: JsonServer = { url: `http://127.0.0.1:${port}/stats`, doc, close: () => new Promise((r) => server.close(() => r())) };
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(s.doc));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return s;
}
