import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ec2Face } from './face.js';
import { ec2Id } from './ids.js';
import type { RunningFace } from './server.js';

/**
 * IMDSv2 of one face instance, for agent tests: PUT /latest/api/token (TTL header required),
 * then GETs with the token. Serves the instance id, the Spot `instance-action` once the face
 * has issued a notice, and rebalance recommendations; everything else is 404 as on EC2.
 */
export async function serveImds(face: Ec2Face, simId: string, opts: { host?: string; port?: number } = {}): Promise<RunningFace> {
  const tokens = new Set<string>();
  const server = createServer((req, res) => {
    const send = (status: number, body = '') => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    };
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!(ttl >= 1 && ttl <= 21600)) return send(400);
      const t = randomUUID();
      tokens.add(t);
      return send(200, t);
    }
    if (!tokens.has(String(req.headers['x-aws-ec2-metadata-token'] ?? ''))) return send(401);
    const now = face.clock.now();
    const notice = face.interruptions.get(simId);
    switch (req.url) {
      case '/latest/meta-data/instance-id':
        return send(200, ec2Id(simId));
      case '/latest/meta-data/spot/instance-action':
        return notice && now >= notice.noticeAt ? send(200, JSON.stringify({ action: notice.action, time: new Date(notice.at).toISOString() })) : send(404);
      case '/latest/meta-data/events/recommendations/rebalance': {
        const at = face.rebalance.get(simId);
        return at !== undefined ? send(200, JSON.stringify({ noticeTime: new Date(at).toISOString() })) : send(404);
      }
      default:
        return send(404);
    }
  });
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
