import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { awsIdentity, IdentityError, openstackIdentity } from './identity.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

/** Shaped like EC2's IMDSv2: a PUT for a session token, then GETs that must carry it (401 otherwise). */
function imds(instanceId: string): Promise<string> {
  const token = 'AQAEAMockSessionToken==';
  return serve((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return res.writeHead(400).end();
      return res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
    }
    if (req.method === 'GET' && req.url === '/latest/meta-data/instance-id') {
      if (req.headers['x-aws-ec2-metadata-token'] !== token) return res.writeHead(401).end();
      return res.writeHead(200, { 'content-type': 'text/plain' }).end(instanceId);
    }
    res.writeHead(404).end();
  });
}

describe('machine identity from cloud metadata services', () => {
  it('IMDSv2: token PUT, then instance-id with the token', async () => {
    const base = await imds('i-0123456789abcdef0');
    expect(await awsIdentity({ baseUrl: base })).toEqual({ machine: 'i-0123456789abcdef0', source: 'aws' });
  });

  it('IMDSv2 refuses a GET without the session token (IMDSv1 disabled), so the agent must use the token', async () => {
    const base = await imds('i-0abc');
    const res = await fetch(`${base}/latest/meta-data/instance-id`);
    expect(res.status).toBe(401);
    expect((await awsIdentity({ baseUrl: base })).machine).toBe('i-0abc');
  });

  it('OpenStack: uuid from /openstack/latest/meta_data.json', async () => {
    const uuid = '4f3c1b0e-9a47-4c1e-8d5f-2f1d3b6a7c90';
    const base = await serve((req, res) => {
      if (req.url !== '/openstack/latest/meta_data.json') return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ uuid, name: 'worker-1', availability_zone: 'nova', meta: {} }));
    });
    expect(await openstackIdentity({ baseUrl: base })).toEqual({ machine: uuid, source: 'openstack' });
  });

  it('times out cleanly when the service never answers', async () => {
    const base = await serve(() => undefined); // accepts, never responds
    const started = performance.now();
    await expect(awsIdentity({ baseUrl: base, timeoutMs: 300 })).rejects.toThrow(/IMDSv2 token: no answer within 300 ms/);
    await expect(openstackIdentity({ baseUrl: base, timeoutMs: 300 })).rejects.toThrow(/OpenStack metadata: no answer within 300 ms/);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('fails cleanly when nothing listens there', async () => {
    const base = await serve(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    await expect(awsIdentity({ baseUrl: base, timeoutMs: 500 })).rejects.toBeInstanceOf(IdentityError);
    await expect(openstackIdentity({ baseUrl: base, timeoutMs: 500 })).rejects.toBeInstanceOf(IdentityError);
  });

  it('rejects answers that are not shaped like the real ones', async () => {
    const base = await serve((_req, res) => res.writeHead(200).end('<html>captive portal</html>'));
    await expect(awsIdentity({ baseUrl: base })).rejects.toThrow(/unexpected answer/);
    await expect(openstackIdentity({ baseUrl: base })).rejects.toThrow(/not JSON/);
  });
});
