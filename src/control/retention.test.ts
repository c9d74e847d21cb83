import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { localBase } from '../../test/support/local.js';
import { batchesOf, PAUSE_MS, round } from '../../test/support/retention.js';
import type { ScalingDecision } from '../domain/scaling/decision.js';
import { machine } from '../../test/support/domain-fixtures.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { Pruner, firstMember } from './retention.js';

const NOW = Date.UTC(2026, 11, 6, 9, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const log = pino({ level: 'silent' });

const decision = (at: number, summary: string): ScalingDecision => ({
  pool: 'analysis', at, current: 3, desired: 4, recommendation: 4, dryRun: false, summary,
  inputs: [{ metric: 'q', value: 400, at }], proposals: [{ policy: 'target-tracking on q', type: 'target-tracking', desired: 4, why: 'queue above target' }], adjustments: [],
});

const audit = (at: number, action: string) => ({ at, actor: 'ops', tokenId: 'tok-1', role: 'admin' as const, action, pool: 'analysis', params: {}, status: 200, result: 'ok', source: '127.0.0.1' });

const events = (at: (i: number) => number, n: number, message: string) =>
  Array.from({ length: n }, (_, i) => ({ at: at(i), pool: 'analysis', reason: 'DesiredChanged' as const, message: `${message} ${i}` }));



/** One body on both dialects: `open` gives a fresh, empty store. */
function retentionSuite(open: () => Promise<Store>): void {
  let store: Store;
  let clock: VirtualClock;
  beforeEach(async () => {
    store = await open();
    clock = new VirtualClock(NOW);
  });
  afterEach(async () => {
    await store.close();
  });

  const apply = async (retention = '') => {
    const parsed = parseConfig(`${localBase('retention')}${retention}`, 'flotte.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await store.applyConfig(parsed.applied, NOW - 500 * DAY);
  };

  it('with the defaults, rows past their age go and newer ones stay: events 14 days, decisions 7, audit 400, heartbeats of machines gone', async () => {
    await apply();
    await store.appendEvents(events((i) => NOW - 15 * DAY + i * 1000, 30, 'old'));
    await store.appendEvents(events((i) => NOW - 13 * DAY + i * 1000, 20, 'kept'));
    for (const d of [NOW - 8 * DAY, NOW - 7 * DAY - 1, NOW - 6 * DAY, NOW - HOUR]) await store.recordDecision(decision(d, `at ${d}`));
    for (const a of [NOW - 401 * DAY, NOW - 400 * DAY - 1, NOW - 399 * DAY, NOW - DAY]) await store.appendAudit(audit(a, `at ${a}`));
    await store.saveMachines([machine('m-gone', { state: 'gone', since: NOW - HOUR }), machine('m-ready', { state: 'ready' })]);
    const beat = (id: string, lastAt: number) => store.saveHeartbeat({ machine: id, pool: 'analysis', joinedAt: lastAt - HOUR, lastAt, busy: 0, available: true, drained: false, load: { load1: 0.1, cpu: 0.05, memory: 0.3 } });
    await beat('m-gone', NOW - HOUR);
    await beat('m-ready', NOW - 5_000);
    await beat('m-unknown-silent', NOW - 2 * HOUR);
    await beat('m-unknown-new', NOW - 10_000);
    const totals = await store.eventCounts();

    const report = await round(new Pruner({ store, clock, log, batch: 1_000, pauseMs: PAUSE_MS }), clock);

    expect((await store.listEvents()).map((e) => e.message)).toEqual(Array.from({ length: 20 }, (_, i) => `kept ${i}`));
    expect((await store.listDecisions({ pool: 'analysis', limit: 100 })).map((d) => d.at)).toEqual([NOW - HOUR, NOW - 6 * DAY]);
    expect((await store.listAudit()).map((a) => a.at)).toEqual([NOW - 399 * DAY, NOW - DAY]);
    expect((await store.listHeartbeats()).map((h) => h.machine).sort()).toEqual(['m-ready', 'm-unknown-new']);
    expect(report).toEqual([
      { table: 'events', batches: [30] },
      { table: 'decisions', batches: [2] },
      { table: 'audit', batches: [2] },
      { table: 'heartbeats', batches: [2] },
      { table: 'deliveries', batches: [0] },
      { table: 'pushedMetrics', batches: [0] },
    ]);
    // /metrics counts events ever recorded: pruning does not lower its counters.
    expect(await store.eventCounts()).toEqual(totals);
    // A second round finds nothing more to do.
    expect((await round(new Pruner({ store, clock, log, batch: 1_000, pauseMs: PAUSE_MS }), clock)).flatMap((r) => r.batches)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('the row cap keeps the newest events, deleted in batches of at most the batch size', async () => {
    await apply('retention:\n  events:\n    maxRows: 1000\n');
    const stored = await store.appendEvents(events((i) => NOW - HOUR + i, 2_300, 'storm'));
    const report = await round(new Pruner({ store, clock, log, batch: 500, pauseMs: PAUSE_MS }), clock);

    const left = await store.listEvents();
    expect(left.map((e) => e.id)).toEqual(stored.slice(-1_000).map((e) => e.id));
    const batches = batchesOf(report, 'events');
    expect(batches).toEqual([500, 500, 300]);
    expect(Math.max(...batches)).toBeLessThanOrEqual(500);
  });

  it('the age limit set in flotte.yaml applies, and the row cap after it', async () => {
    await apply('retention:\n  events:\n    maxAge: 2d\n    maxRows: 1000\n  decisions:\n    maxAge: 36h\n');
    await store.appendEvents(events((i) => NOW - 3 * DAY + i, 700, 'old'));
    const recent = await store.appendEvents(events((i) => NOW - DAY + i, 1_200, 'recent'));
    for (const d of [NOW - 37 * HOUR, NOW - 35 * HOUR]) await store.recordDecision(decision(d, `at ${d}`));
    const report = await round(new Pruner({ store, clock, log, batch: 400, pauseMs: PAUSE_MS }), clock);
    expect((await store.listEvents()).map((e) => e.id)).toEqual(recent.slice(-1_000).map((e) => e.id));
    expect(batchesOf(report, 'events')).toEqual([400, 400, 100]);
    expect((await store.listDecisions({ pool: 'analysis' })).map((d) => d.at)).toEqual([NOW - 35 * HOUR]);
  });
}

describe('retention on SQLite', () => {
  retentionSuite(() => openStore(':memory:'));
});

await serviceSuite(postgresService(), `retention on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  retentionSuite(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });
});

describe('the pruner beside the control loop', () => {
  it('runs on its own timer: nothing before its first round, a round then, and it stops with its signal', async () => {
    const store = await openStore(':memory:');
    const clock = new VirtualClock(NOW);
    try {
      await store.appendEvents(events((i) => NOW - 20 * DAY + i, 10, 'old'));
      const stop = new AbortController();
      const running = new Pruner({ store, clock, log, firstMs: 60_000, intervalMs: 600_000, pauseMs: PAUSE_MS }).run(stop.signal);
      await clock.advance(59_000);
      expect(await store.listEvents()).toHaveLength(10);
      await clock.advance(1_000);
      expect(await store.listEvents()).toHaveLength(0);
      stop.abort();
      await running;
    } finally {
      await store.close();
    }
  });

  it('under HA only the first live member by id prunes', async () => {
    const store = await openStore(':memory:');
    const clock = new VirtualClock(NOW);
    try {
      await store.appendEvents(events((i) => NOW - 20 * DAY + i, 10, 'old'));
      const members = [{ id: 'ctl-a' }, { id: 'ctl-b' }];
      expect(firstMember({ id: 'ctl-a', members: () => members })()).toBe(true);
      const second = firstMember({ id: 'ctl-b', members: () => members });
      expect(second()).toBe(false);
      const stop = new AbortController();
      const running = new Pruner({ store, clock, log, firstMs: 1_000, intervalMs: 1_000, pauseMs: PAUSE_MS, active: second }).run(stop.signal);
      await clock.advance(5_000);
      expect(await store.listEvents()).toHaveLength(10);
      stop.abort();
      await running;
    } finally {
      await store.close();
    }
  });
});

describe('retention in flotte.yaml', () => {
  it('a bad value is refused naming the field and what to write', () => {
    const parsed = parseConfig(`${localBase('retention')}retention:\n  events:\n    maxAge: soon\n    maxRows: 10\n  audit:\n    keep: forever\n`, 'flotte.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const fields = parsed.errors.map((e) => e.path);
    expect(fields).toEqual(expect.arrayContaining(['retention.events.maxAge', 'retention.events.maxRows', 'retention.audit.keep']));
    expect(parsed.errors.find((e) => e.path === 'retention.events.maxAge')!.message).toMatch(/duration like/);
  });
});
