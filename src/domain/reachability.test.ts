import { describe, expect, it } from 'vitest';
import { ANSWERING, noteCall, type Reachability } from './reachability.js';

const t0 = Date.UTC(2026, 11, 6, 9, 0);
const AFTER = 15_000;
const fail = { ok: false as const, error: 'connect ECONNREFUSED 127.0.0.1:9' };

describe('noteCall: a provider turns unavailable after failing without a break, and recovers at its first answer', () => {
  it.each([
    ['an answer keeps it answering', ANSWERING, { ok: true as const }, t0, { lastOkAt: t0, unavailable: false }, null],
    ['a first failure is routine', { lastOkAt: t0, unavailable: false }, fail, t0 + 2_000, { lastOkAt: t0, failingSince: t0 + 2_000, lastError: fail.error, unavailable: false }, null],
    ['failing, but not for long enough', { lastOkAt: t0, failingSince: t0, unavailable: false }, fail, t0 + AFTER - 1, { lastOkAt: t0, failingSince: t0, lastError: fail.error, unavailable: false }, null],
    ['failing for the whole while: unavailable, said once', { lastOkAt: t0, failingSince: t0, unavailable: false }, fail, t0 + AFTER, { lastOkAt: t0, failingSince: t0, lastError: fail.error, unavailable: true }, 'ProviderUnavailable'],
    ['still failing: nothing new to say', { failingSince: t0, unavailable: true }, fail, t0 + 60_000, { failingSince: t0, lastError: fail.error, unavailable: true }, null],
    ['never answered since the start: counts from the first failure', ANSWERING, fail, t0, { failingSince: t0, lastError: fail.error, unavailable: false }, null],
    ['the first answer after: recovered', { failingSince: t0, lastError: fail.error, unavailable: true }, { ok: true as const }, t0 + 90_000, { lastOkAt: t0 + 90_000, unavailable: false }, 'ProviderRecovered'],
  ] as [string, Reachability, { ok: true } | typeof fail, number, Reachability, string | null][])('%s', (_name, prev, outcome, now, next, change) => {
    expect(noteCall(prev, outcome, now, AFTER)).toEqual({ next, change });
  });
});

describe('ANSWERING: a provider nobody has called yet', () => {
  it('reads as answering, with no failure and no answer recorded', () => {
    expect(ANSWERING).toStrictEqual({ unavailable: false });
  });
});
