import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProbeResults } from './probe.js';

const PROBE = { kind: 'tcp' as const, path: '/', timeoutMs: 2_000, failures: 3 };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A TCP server on a free loopback port, counting the connections it accepts. */
async function listen(): Promise<{ server: Server; port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((s) => {
    hits++;
    s.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, hits: () => hits };
}

describe('probes aim at the primary address', () => {
  it('a machine is probed at its primary address (a local agent endpoint); a refused port counts a failure; one without an address yet is skipped', async () => {
    const open = await listen();
    servers.push(open.server);
    const gone = await listen();
    await new Promise((r) => gone.server.close(r));
    const results = new ProbeResults();
    results.kick(
      [
        { id: 'up', addresses: [{ kind: 'local', value: `127.0.0.1:${open.port}` }] },
        { id: 'down', addresses: [{ kind: 'dns', value: 'unused.example' }, { kind: 'local', value: `127.0.0.1:${gone.port}` }] },
        { id: 'new', addresses: [] },
      ],
      PROBE,
    );
    // Probes run beside the tick: wait for both rounds to land.
    await vi.waitFor(() => expect([open.hits(), results.failures('down')]).toEqual([1, 1]));
    expect([results.failures('up'), results.failures('new')]).toEqual([0, 0]);
  });
});
