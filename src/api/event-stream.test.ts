import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/process.js';
import { readSse } from '../cli/sse.js';
import { realClock } from '../clock/clock.js';
import { parseConfig } from '../config/load.js';
import type { FleetEvent } from '../domain/types.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';
import { issueToken } from './tokens.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** An API process of its own over `store`, listening; returns its address and an admin token. */
async function apiOver(store: Store): Promise<{ base: string; auth: string }> {
  const app = await buildApp({ store, clock: realClock, parseConfig });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => app.close());
  const { secret } = await issueToken(store, { name: 'sse', role: 'viewer', createdBy: 'test' }, realClock.now());
  return { base, auth: `Bearer ${secret}` };
}

/** Opens the stream and hands back a reader of parsed events and a way to hang up. */
async function connect(api: { base: string; auth: string }, headers: Record<string, string> = {}, path = '/api/v1/events/stream') {
  const hangUp = new AbortController();
  const res = await fetch(api.base + path, { headers: { authorization: api.auth, ...headers }, signal: hangUp.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const messages = readSse(res.body!);
  return {
    async take(n: number): Promise<{ id: string; event: FleetEvent }[]> {
      const out: { id: string; event: FleetEvent }[] = [];
      while (out.length < n) {
        const { value, done } = await messages.next();
        if (done) throw new Error('stream ended early');
        out.push({ id: value.id!, event: JSON.parse(value.data) as FleetEvent });
      }
      return out;
    },
    close: () => hangUp.abort(),
  };
}

const append = (store: Store, ...messages: string[]) =>
  store.appendEvents(messages.map((message) => ({ at: realClock.now(), pool: 'analysis', reason: 'ScaledOut', message })));

describe('live events over SSE', () => {
  it('a client that disconnects and reconnects with Last-Event-ID misses no event and sees none twice', async () => {
    const store = await openStore(':memory:');
    cleanup.push(() => store.close());
    const api = await apiOver(store);
    await append(store, 'e1', 'e2');
    const first = await connect(api);
    const before = await first.take(2);
    await append(store, 'e3');
    before.push(...(await first.take(1)));
    first.close();
    // While the client is away, the fleet goes on.
    await append(store, 'e4', 'e5', 'e6');
    const again = await connect(api, { 'last-event-id': before.at(-1)!.id });
    const during = await again.take(3);
    await append(store, 'e7');
    const after = await again.take(1);
    again.close();
    const seen = [...before, ...during, ...after];
    expect(seen.map((s) => s.event.message)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
    expect(seen.map((s) => s.id)).toEqual(seen.map((s) => String(s.event.id)));
    expect(new Set(seen.map((s) => s.id)).size).toBe(7);
  });

  it('across API processes: events written by another process are streamed, and a client resumes on a different API', async () => {
    const dir = tempDir();
    const file = join(dir, 'state.db');
    // Three connections to one database: two API processes and a controller writing events.
    const [storeA, storeB, controller] = [await openStore(file), await openStore(file), await openStore(file)];
    cleanup.push(() => storeA.close(), () => storeB.close(), () => controller.close());
    const [apiA, apiB] = [await apiOver(storeA), await apiOver(storeB)];
    await append(controller, 'c1', 'c2');
    const onA = await connect(apiA);
    const got = await onA.take(2);
    onA.close();
    await append(controller, 'c3', 'c4');
    const onB = await connect(apiB, { 'last-event-id': got.at(-1)!.id });
    got.push(...(await onB.take(2)));
    onB.close();
    expect(got.map((g) => g.event.message)).toEqual(['c1', 'c2', 'c3', 'c4']);
  });

  it('GET /api/v1/events with Accept: text/event-stream streams from the `after` cursor', async () => {
    const store = await openStore(':memory:');
    cleanup.push(() => store.close());
    const api = await apiOver(store);
    const [e1] = await append(store, 'x1', 'x2', 'x3');
    const s = await connect(api, { accept: 'text/event-stream' }, `/api/v1/events?after=${e1!.id}`);
    expect((await s.take(2)).map((m) => m.event.message)).toEqual(['x2', 'x3']);
    s.close();
  });
});
