import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { readSse } from '../cli/sse.js';
import { realClock } from '../clock/clock.js';
import { parseConfig } from '../config/load.js';
import type { FleetEvent } from '../domain/types.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';
import { issueToken } from './tokens.js';

const CLIENTS = 100;

let store: Store;
let app: FastifyInstance;
let base: string;
let auth: string;
beforeAll(async () => {
  store = await openStore(':memory:');
  app = await buildApp({ store, clock: realClock, parseConfig });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  auth = `Bearer ${(await issueToken(store, { name: 'watchers', role: 'viewer', createdBy: 'test' }, realClock.now())).secret}`;
});
afterAll(async () => {
  await app.close();
  await store.close();
});

describe('the event stream with many clients', () => {
  it('delivers one new event to each of 100 connected clients', async () => {
    const hangUp = new AbortController();
    try {
      const streams = await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          const res = await fetch(`${base}/api/v1/events/stream`, { headers: { authorization: auth }, signal: hangUp.signal });
          expect(res.status).toBe(200);
          return readSse(res.body!);
        }),
      );
      const [event] = await store.appendEvents([{ at: realClock.now(), pool: 'analysis', reason: 'ScaledOut', message: 'to all watchers' }]);
      const got = await Promise.all(
        streams.map(async (messages) => {
          const { value, done } = await messages.next();
          if (done) throw new Error('stream ended before the event');
          return { id: value.id, event: JSON.parse(value.data) as FleetEvent };
        }),
      );
      expect(got).toHaveLength(CLIENTS);
      for (const g of got) expect(g).toMatchObject({ id: String(event!.id), event: { message: 'to all watchers' } });
    } finally {
      hangUp.abort();
    }
  }, 30_000);
});
