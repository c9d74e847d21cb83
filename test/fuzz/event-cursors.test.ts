import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ERROR_CODES } from '../../src/api/errors.js';
import { fixture, type Fixture } from '../support/route-examples.js';
import { FUZZ_TIMEOUT_MS, fuzzParams, report, tally } from './support.js';

// Cursors of the live event stream (GET /api/v1/events/stream), over real HTTP since a stream
// that starts never ends on its own: `Last-Event-ID` (a browser's reconnect) and `?after=`.
// Property: never a 5xx; a cursor that is not an event id is a 400 in the documented shape
// before anything streams; a good one streams from exactly after it, or, when it is ahead of
// the newest event, says so first and moves the client's id back to the newest.

const seen = tally();
let fx: Fixture;
let headers: Record<string, string>;
let newest: number;
beforeAll(async () => {
  fx = await fixture({ rateLimit: { capacity: 1e9, refillPerSecond: 1e9 } });
  headers = await fx.as('viewer');
  const now = Date.UTC(2026, 11, 6, 9);
  await fx.store.appendEvents(Array.from({ length: 30 }, (_, i) => ({ at: now + i * 1_000, pool: i % 2 ? 'batch' : fx.seeded.pool, reason: 'Launched', message: `machine ${i} launched` })));
  newest = await fx.store.latestEventId();
});
afterAll(async () => {
  report('SSE cursors', seen);
  await fx?.close();
});

/** Header-safe text (latin-1, no line breaks): what an HTTP client can send at all. */
const headerSafe = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 30 });

const cursor = fc.oneof(
  { weight: 4, arbitrary: fc.nat(60).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '00', '007', ' 5 ', '-1', '1.5', '1e3', '0x1f', 'NaN', 'Infinity', '', '  ', '9007199254740993', '99999999999999999999999999999', '18446744073709551616', '5,6', '+3', '²', '\u00a07') },
  { weight: 1, arbitrary: headerSafe },
);

const query = fc.record({ after: fc.option(cursor, { nil: undefined }), pool: fc.option(fc.constantFrom('analysis', 'batch', 'nope', '..', '%00'), { nil: undefined }) }, { requiredKeys: [] });

/** Reads the stream until `done` holds for what arrived, then hangs up. */
async function readUntil(body: ReadableStream<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (!done(text)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel();
  }
  return text;
}

describe('SSE cursor fuzz (Last-Event-ID and ?after= on /api/v1/events/stream)', () => {
  it('never a 5xx; a bad cursor is a 400 before streaming; a good one resumes exactly after it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(cursor, { nil: undefined }), query, async (lastEventId, q) => {
        seen.cases++;
        const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));
        const url = `${fx.base}/api/v1/events/stream${params.size ? `?${params}` : ''}`;
        const res = await fetch(url, { headers: { ...headers, accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}) } });
        const what = `Last-Event-ID ${JSON.stringify(lastEventId)}, query ${JSON.stringify(q)} → ${res.status}`;
        expect(res.status, what).toBeLessThan(500);
        if (res.status !== 200) {
          seen.refused++;
          const { error } = (await res.json()) as { error: { code: keyof typeof ERROR_CODES; message: string; problems?: { field: string }[] } };
          expect([res.status, error.code], what).toEqual([400, 'invalid_request']);
          expect(error.problems?.map((p) => p.field.split('.')[0]), what).toEqual(expect.arrayContaining([expect.stringMatching(/^(headers|query)$/)]));
          return;
        }
        seen.accepted++;
        expect(res.headers.get('content-type'), what).toMatch(/^text\/event-stream/);
        // The header wins over `after` (a reconnect carries both); both absent means from the start.
        const asked = lastEventId !== undefined ? Number(lastEventId.trim()) : q.after !== undefined ? Number(q.after) : 0;
        const pool = q.pool;
        const ahead = asked > newest;
        const remaining = ahead ? 0 : (await fx.store.listEvents({ pool, after: asked, limit: 1 })).length;
        if (!ahead && remaining === 0) {
          await res.body!.cancel();
          return;
        }
        const text = await readUntil(res.body!, (t) => (ahead ? t.includes(`id: ${newest}\n`) : /\nid: \d+\n/.test(t) || t.startsWith('id: ')));
        if (ahead) {
          expect(text, what).toContain(`is ahead of the newest event (${newest}); streaming new events after ${newest}\nid: ${newest}\n`);
        } else {
          const first = Number(/id: (\d+)\n/.exec(text)![1]);
          const expected = (await fx.store.listEvents({ pool, after: asked, limit: 1 }))[0]!.id;
          expect(first, what).toBe(expected);
        }
      }),
      fuzzParams(0.3),
    );
  }, FUZZ_TIMEOUT_MS);
});
