import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/api/errors.js';
import { fixture, type Fixture } from '../support/route-examples.js';
import { tempDir } from '../support/process.js';
import { changedTables, StoreState } from './store-state.js';
import { FUZZ_TIMEOUT_MS, fuzzParams, nastyString, report, tally } from './support.js';

// What agents send: join and heartbeat reports, with the secrets they present (a join token,
// the machine's own credential, someone else's, none, a malformed header). Property: never a
// 5xx; a refusal is the documented error shape and changes nothing in the store; a report
// with the machine's own credential for its own pool is taken.

const seen = tally();
const figures = { '5xx': 0, 'state changes on refusal': 0 };
let fx: Fixture;
let state: StoreState;
let secrets: Record<string, string>;
beforeAll(async () => {
  const file = join(tempDir('flotte-fuzz-agents-'), 'state.db');
  fx = await fixture({}, file);
  state = new StoreState(file);
  const user = (await fx.as('admin')).authorization!.split(' ')[1]!;
  secrets = { join: fx.seeded.joinToken, credential: fx.seeded.credential, user, wrong: 'flc_not-a-real-credential' };
});
afterAll(async () => {
  report('agent reports', seen, figures);
  state?.close();
  await fx?.close();
});

const load = fc.record({ load1: fc.double({ min: 0, max: 64, noNaN: true }), cpu: fc.double({ min: 0, max: 1, noNaN: true }), memory: fc.double({ min: 0, max: 1, noNaN: true }) });
const validReport = fc.record(
  {
    machine: fc.oneof(fc.constantFrom('m-1', 'm-2', 'm-3', 'b-1', 'ghost'), fc.string({ minLength: 1, maxLength: 128 })),
    pool: fc.oneof(fc.constantFrom('analysis', 'batch'), fc.string({ minLength: 1, maxLength: 63 })),
    busy: fc.nat(1_000),
    sessions: fc.nat(10),
    available: fc.boolean(),
    drained: fc.boolean(),
    load,
    address: fc.string({ maxLength: 200 }),
  },
  { requiredKeys: ['machine', 'pool', 'load'] },
);

/** One field of a valid report made wrong: type, range, length, an unknown field. */
const nearReport = fc.tuple(validReport, fc.constantFrom('machine', 'pool', 'busy', 'sessions', 'available', 'load', 'address', 'cpu', 'extra'), fc.oneof(nastyString(), fc.constantFrom(-1, 1.5, 2, null, true, [], {}, 'x'.repeat(300), Number.MAX_SAFE_INTEGER + 2))).map(([r, field, bad]) => {
  if (field === 'cpu') return { ...r, load: { ...r.load, cpu: bad } };
  if (field === 'extra') return { ...r, kernel: bad };
  return { ...r, [field]: bad };
});

const body = fc.oneof({ weight: 4, arbitrary: validReport }, { weight: 4, arbitrary: nearReport }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });

const authorization = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('join', 'credential', 'user', 'wrong').map((k) => ({ header: (s: Record<string, string>) => `Bearer ${s[k]}`, kind: k })) },
  { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwdw==', 'bearer  x y', `Bearer ${'a'.repeat(10_000)}`).map((h) => ({ header: () => h, kind: 'malformed' })) },
  { weight: 1, arbitrary: fc.constant({ header: () => undefined as string | undefined, kind: 'none' }) },
);

/** A quarter of the cases are the agent of m-1 reporting as it should, so acceptance is exercised too. */
const own = validReport.map((r) => ({ ...r, machine: 'm-1', pool: 'analysis' }));
const anyCase = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('join', 'heartbeat'), body, authorization) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('heartbeat'), own, fc.constant({ header: (s: Record<string, string>) => `Bearer ${s.credential}` as string | undefined, kind: 'credential' })) },
);

describe('agent report fuzz (POST /api/v1/agents/join and /heartbeat)', () => {
  it('never a 5xx; a refusal is the documented shape and changes nothing; its own machine credential is taken', async () => {
    await fc.assert(
      fc.asyncProperty(anyCase, async ([route, report, auth]) => {
        seen.cases++;
        const before = state.snapshot();
        const header = auth.header(secrets);
        const res = await fx.app.inject({ method: 'POST', url: `/api/v1/agents/${route}`, headers: { 'content-type': 'application/json', ...(header === undefined ? {} : { authorization: header }) }, payload: JSON.stringify(report) });
        const what = `${route} as ${auth.kind} with ${JSON.stringify(report).slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        if (res.statusCode >= 500) figures['5xx']++;
        expect(res.statusCode, what).toBeLessThan(500);
        const r = (report !== null && typeof report === 'object' ? report : {}) as { machine?: unknown; pool?: unknown };
        const own = route === 'heartbeat' && auth.kind === 'credential' && r.machine === 'm-1' && r.pool === fx.seeded.pool;
        if (res.statusCode < 400) {
          seen.accepted++;
          // A join hands the machine a new credential and forgets the old one: m-1's agent now reports with it.
          if (route === 'join' && r.machine === 'm-1') secrets.credential = res.json().credential;
          expect(res.json().heartbeatIntervalMs, what).toBeGreaterThan(0);
          return;
        }
        seen.refused++;
        const { error } = res.json() as { error: { code: keyof typeof ERROR_CODES; message: string } };
        expect(ERROR_CODES[error.code], what).toBe(res.statusCode);
        // A refused own-credential report can only be a malformed one.
        if (own) expect(error.code, what).toBe('invalid_request');
        const changed = changedTables(before, state.snapshot());
        if (changed.length) figures['state changes on refusal']++;
        expect(changed, `a refusal changed ${changed.join(', ')}: ${what}`).toEqual([]);
      }),
      fuzzParams(0.5),
    );
  }, FUZZ_TIMEOUT_MS);
});
