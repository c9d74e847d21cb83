import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/process.js';
import { ApiClient } from '../cli/client.js';
import { followEvents } from '../cli/commands/events-follow.js';
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

describe('SSE cursors', () => {
  it('a Last-Event-ID that is not a number is refused with 400 naming the header, and nothing is streamed', async () => {
    const store = await openStore(':memory:');
    cleanup.push(() => store.close());
    const api = await apiOver(store);
    await append(store, 'e1', 'e2');
    for (const bad of ['abc', '12abc', '-3', '1.5']) {
      for (const path of ['/api/v1/events/stream', '/api/v1/events']) {
        const res = await fetch(api.base + path, { headers: { authorization: api.auth, accept: 'text/event-stream', 'last-event-id': bad } });
        expect(res.status, `${path} with Last-Event-ID ${bad}`).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        const body = (await res.json()) as { error: { code: string; message: string; problems: { field: string; message: string }[] } };
        expect(body.error.code).toBe('invalid_request');
        expect(body.error.problems).toEqual([{ field: 'headers.last-event-id', message: expect.stringMatching(/event id/) }]);
        expect(body.error.message).toContain(bad);
      }
    }
  });

  it('a cursor above the newest event streams from now on, after a notice saying so and where it starts', async () => {
    const store = await openStore(':memory:');
    cleanup.push(() => store.close());
    const api = await apiOver(store);
    const stored = await append(store, 'old1', 'old2');
    const newest = stored.at(-1)!.id;
    const hangUp = new AbortController();
    cleanup.push(async () => hangUp.abort());
    const res = await fetch(`${api.base}/api/v1/events/stream`, { headers: { authorization: api.auth, 'last-event-id': String(newest + 1000) }, signal: hangUp.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const until = async (pattern: RegExp): Promise<void> => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += value;
      }
    };
    await until(/\n\n[^]*\n\n/);
    // The notice: a comment for people, and an `id:` so a client's Last-Event-ID moves back to where the stream starts.
    expect(text).toContain(`: Last-Event-ID ${newest + 1000} is ahead of the newest event (${newest}); streaming new events after ${newest}\nid: ${newest}\n\n`);
    await append(store, 'new1');
    await until(/"new1"/);
    const frames = text.split('\n\n').filter((f) => f.includes('data:'));
    expect(frames.map((f) => (JSON.parse(f.slice(f.indexOf('data:') + 5)) as FleetEvent).message)).toEqual(['new1']);
    expect(frames[0]).toMatch(new RegExp(`^id: ${newest + 1}\\n`));
    hangUp.abort();
  });

  it('a cursor at the newest event (nothing missed) gets no notice', async () => {
    const store = await openStore(':memory:');
    cleanup.push(() => store.close());
    const api = await apiOver(store);
    const [e1] = await append(store, 'a1');
    const s = await connect(api, { 'last-event-id': String(e1!.id) });
    await append(store, 'a2');
    expect((await s.take(1)).map((m) => m.event.message)).toEqual(['a2']);
    s.close();
  });
});

describe('live events filtered by reason', () => {
  it('streams only the asked reasons, on the stream route and on the list route asked for a stream', async () => {
    const store = await openStore(':memory:');
    cleanup.push(() => store.close());
    const api = await apiOver(store);
    const at = realClock.now();
    await store.appendEvents([
      { at, pool: 'analysis', machine: 'm-1', reason: 'Ready', message: 'agent joined' },
      { at, pool: 'analysis', machine: 'm-1', reason: 'Died', message: 'm-1 died' },
      { at, pool: 'analysis', reason: 'ScaledOut', message: '1 → 2' },
      { at, pool: 'analysis', machine: 'm-2', reason: 'Replaced', message: 'm-2 replaces m-1' },
    ]);
    const stream = await connect(api, {}, '/api/v1/events/stream?reason=Died,Replaced');
    const list = await connect(api, { accept: 'text/event-stream' }, '/api/v1/events?reason=Died&reason=Replaced');
    for (const s of [stream, list]) expect((await s.take(2)).map((m) => m.event.message)).toEqual(['m-1 died', 'm-2 replaces m-1']);
    // Live ones too: the skipped events in between do not hold the stream back.
    await append(store, 'noise1', 'noise2');
    await store.appendEvents([{ at: realClock.now(), pool: 'analysis', machine: 'm-3', reason: 'Died', message: 'm-3 died' }]);
    for (const s of [stream, list]) {
      expect((await s.take(1)).map((m) => m.event.message)).toEqual(['m-3 died']);
      s.close();
    }
  });

  it('an unknown reason is refused before anything is streamed', async () => {
    const store = await openStore(':memory:');
    cleanup.push(() => store.close());
    const api = await apiOver(store);
    const res = await fetch(`${api.base}/api/v1/events/stream?reason=Dead`, { headers: { authorization: api.auth } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { problems: { field: string; message: string }[] } };
    expect(body.error.problems[0]).toMatchObject({ field: 'query.reason', message: expect.stringMatching(/^unknown event reason "Dead" \(valid: /) });
  });
});

describe('flotte events --follow past the newest event', () => {
  it('follows new events from now on instead of waiting for ids to catch up with the cursor', async () => {
    const store = await openStore(':memory:');
    cleanup.push(() => store.close());
    const api = await apiOver(store);
    await append(store, 'before1', 'before2');
    const client = new ApiClient(api.base, api.auth.slice('Bearer '.length));
    const stop = new AbortController();
    cleanup.push(async () => stop.abort());
    const shown: string[] = [];
    const following = followEvents<FleetEvent>(client, undefined, 99_999, (e) => shown.push(e.message), stop.signal);
    // Events keep coming until the follower shows one: whenever its stream opened, it shows those after.
    let n = 0;
    await waitFor(async () => {
      await append(store, `after${++n}`);
      return shown.length > 0;
    });
    stop.abort();
    await following;
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((m) => m.startsWith('after'))).toBe(true);
  });
});

async function waitFor(ok: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
