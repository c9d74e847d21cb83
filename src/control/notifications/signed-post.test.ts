import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../clock/clock.js';
import { postSigned } from './signed-post.js';

const held: ServerResponse[] = [];
const paths: string[] = [];
let answer: ((res: ServerResponse) => void) | undefined;
const server = createServer((req, res) => {
  req.resume();
  paths.push(req.url ?? '');
  if (answer) answer(res);
  else held.push(res);
});
afterEach(() => {
  held.length = paths.length = 0;
  answer = undefined;
  server.closeAllConnections();
  server.close();
});

async function listen(): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

const post = (url: string, signal: AbortSignal, i: number) =>
  postSigned({ url, body: '{}', secret: 'k', delivery: `d-${i}`, kind: 'HealingPaused', clock: realClock, timeoutMs: 60_000, signal });

describe('signed webhook posts', () => {
  it('many posts in flight under one shutdown signal (the notifier sends 16 at once) raise no listener-leak warning, and shutdown cuts them all', async () => {
    const url = await listen();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const shutdown = new AbortController();
      const posts = Array.from({ length: 40 }, (_, i) => post(url, shutdown.signal, i));
      while (held.length < 40) await new Promise((r) => setTimeout(r, 5));
      // Node prints its warning on the next turn after the 11th listener.
      await new Promise((r) => setImmediate(r));
      shutdown.abort();
      const results = await Promise.all(posts);
      expect(results.every((r) => !r.ok && r.error === 'flotte is shutting down')).toBe(true);
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a redirect is an answer, not followed: the signed body is not sent on to where the receiver points', async () => {
    const url = await listen();
    answer = (res) => res.writeHead(307, { location: '/elsewhere' }).end('moved');
    const r = await post(url, new AbortController().signal, 1);
    expect(r).toMatchObject({ ok: false, status: 307, error: 'HTTP 307', answer: 'moved' });
    expect(paths).toEqual(['/hook']);
  });
});
