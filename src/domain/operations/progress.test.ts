import { describe, expect, it } from 'vitest';
import { DEFAULT_DURATIONS } from './estimate.js';
import { progressOf } from './progress.js';
import type { Operation, OperationItem, Strategy } from './types.js';

const T0 = Date.UTC(2026, 11, 6, 9, 0);
const S = 1000;

const base = {
  limits: {
    idsPerCall: 50,
    launchPerCall: 50,
    mutate: { capacity: 100, refillPerSecond: 10, tokens: 100 },
    launch: { capacity: 100, refillPerSecond: 10, tokens: 100 },
  },
  observeMs: 5 * S,
};

const op = (status: Operation['status'], strategy: Strategy = { kind: 'rolling', maxUnavailable: { count: 2 } }, phase: 'canary' | 'main' = 'main'): Operation => ({
  id: 'op-7',
  kind: 'restart',
  pool: 'web',
  strategy,
  hard: false,
  status,
  control: 'run',
  progress: { phase, checkpointsPassed: [], api: { calls: 0, throttled: 0 }, poolSize: 10 },
  message: '',
  createdAt: T0,
  updatedAt: T0,
});

const item = (i: number, status: OperationItem['status'], t: { sent?: number; accepted?: number; done?: number } = {}): OperationItem => ({
  operation: 'op-7',
  machine: `m${i}`,
  seq: i,
  zone: 'a',
  status,
  sentAt: t.sent === undefined ? undefined : T0 + t.sent * S,
  acceptedAt: t.accepted === undefined ? undefined : T0 + t.accepted * S,
  doneAt: t.done === undefined ? undefined : T0 + t.done * S,
});

// Three reboots seen (40, 60 and 50 s), one failure, two under way since 112 s, four to go.
const items = [
  item(0, 'done', { sent: 0, accepted: 1, done: 41 }),
  item(1, 'done', { sent: 0, accepted: 1, done: 61 }),
  item(2, 'done', { sent: 61, accepted: 62, done: 112 }),
  item(3, 'failed', { sent: 61 }),
  item(4, 'in-progress', { sent: 112, accepted: 113 }),
  item(5, 'in-progress', { sent: 112 }),
  ...[6, 7, 8, 9].map((i) => item(i, 'pending')),
];

describe('progressOf', () => {
  it('counts, rate since the first start, durations seen, and the time left', () => {
    const p = progressOf(op('running'), items, T0 + 120 * S, base, DEFAULT_DURATIONS.reboot);
    expect(p.counts).toEqual({ pending: 4, 'in-progress': 2, done: 3, failed: 1 });
    expect(p.total).toBe(10);
    expect(p.perMinute).toBe(2);
    expect(p.durations).toEqual({ mean: 50 * S, max: 60 * S, samples: 3 });
    // The two under way need up to 60 + 5 s from 112 s: 57 s more. Then two windows of two:
    // one turnover (50 + 5 s) and a last one as long as the slowest (60 + 5 s).
    expect(p.etaMs).toBe(57 * S + 55 * S + 65 * S);
  });

  it('a paused operation still has a time left; a finished one has none', () => {
    expect(progressOf(op('paused'), items, T0 + 120 * S, base, DEFAULT_DURATIONS.reboot).etaMs).toBe(177 * S);
    for (const status of ['succeeded', 'failed', 'cancelled', 'rolled-back'] as const) {
      expect(progressOf(op(status), items, T0 + 120 * S, base, DEFAULT_DURATIONS.reboot).etaMs).toBeNull();
    }
  });

  it('with nothing left to start, the time left is what the slowest under way still needs, never less than zero', () => {
    const last = [item(0, 'done', { sent: 0, accepted: 1, done: 41 }), item(1, 'in-progress', { sent: 100, accepted: 101 })];
    expect(progressOf(op('running'), last, T0 + 120 * S, base, DEFAULT_DURATIONS.reboot).etaMs).toBe((40 + 5 - 19) * S);
    expect(progressOf(op('running'), last, T0 + 600 * S, base, DEFAULT_DURATIONS.reboot).etaMs).toBe(0);
  });

  it('before anything finished, the defaults stand in, and items done without times do not count', () => {
    const fresh = [
      item(0, 'done'),
      item(1, 'done', { sent: 0, done: 50 }),
      item(2, 'done', { sent: 0, accepted: 1 }),
      item(3, 'failed', { sent: 0, accepted: 1, done: 300 }),
      item(4, 'pending'),
      item(5, 'pending'),
    ];
    const p = progressOf(op('running'), fresh, T0, base, DEFAULT_DURATIONS.reboot);
    expect(p.durations).toEqual(DEFAULT_DURATIONS.reboot);
    expect(p.perMinute).toBe(0);
    expect(p.counts).toEqual({ pending: 2, 'in-progress': 0, done: 3, failed: 1 });
    expect(p.etaMs).toBe(60 * S + 5 * S);
  });

  it('an operation still in its canary counts the canary and its bake in the time left', () => {
    const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 2 }, canary: { count: 1, bakeMs: 600 * S } };
    const pending = [0, 1, 2, 3].map((i) => item(i, 'pending'));
    const inCanary = progressOf(op('running', s, 'canary'), pending, T0, base, DEFAULT_DURATIONS.reboot).etaMs;
    const afterIt = progressOf(op('running', s, 'main'), pending, T0, base, DEFAULT_DURATIONS.reboot).etaMs;
    expect(inCanary).toBe(65 * S + 600 * S + 50 * S + 65 * S);
    expect(afterIt).toBe(50 * S + 65 * S);
  });
});
