import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import { localBase } from '../../test/support/local.js';
import { batchesOf, PAUSE_MS, round } from '../../test/support/retention.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { openStore } from '../store/open-store.js';
import type { DeliveryStatus } from '../store/ports.js';
import type { Store } from '../store/store.js';
import { Pruner } from './retention.js';

// Beside retention.test.ts (near 200 lines): the two tables that grew without bound before, the
// notification outbox and the pushed metric samples.
const NOW = Date.parse('2026-12-07T03:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const log = pino({ level: 'silent' });

const pools = (...names: string[]) => `pools:\n${names.map((n) => `  ${n}:\n    template: agent\n    min: 0\n    max: 4\n    desired: 0\n`).join('')}`;



function outboxSuite(open: () => Promise<Store>): void {
  let store: Store;
  let clock: VirtualClock;
  beforeEach(async () => {
    store = await open();
    clock = new VirtualClock(NOW);
  });
  afterEach(async () => {
    await store.close();
  });

  const apply = async (yaml: string, at = NOW - 500 * DAY) => {
    const parsed = parseConfig(`${localBase('outbox')}${yaml}`, 'flotte.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await store.applyConfig(parsed.applied, at);
  };

  /** A delivery enqueued at `createdAt` and, unless it stays pending, settled as `status` at `settledAt` by a sender that claimed it. */
  const delivery = async (event: number, createdAt: number, status: DeliveryStatus, settledAt = createdAt) => {
    const id = `${event}-oncall`;
    const body = JSON.stringify({ id: event, reason: 'HealingPaused', pool: 'ingest', message: 'too many machines unhealthy at once' });
    await store.notifications.enqueue('outbox', [{ id, subscription: 'oncall', kind: 'HealingPaused', event, pool: 'ingest', body, createdAt }], event);
    if (status === 'pending') return;
    expect(await store.notifications.claim(id, 'ctl-a', settledAt, settledAt + 30_000)).toBe(true);
    await store.notifications.settle(id, 'ctl-a', status === 'delivered' ? { status, at: settledAt, nextAt: settledAt, httpStatus: 200 } : { status, at: settledAt, nextAt: settledAt, error: 'connect ECONNREFUSED 127.0.0.1:9' });
  };
  const kept = async () => (await store.notifications.listDeliveries({ limit: 1_000 })).map((d) => `${d.id} ${d.status}`).sort();

  it('delivered and dead deliveries last changed before the events’ age go; newer ones and pending ones, however old, stay', async () => {
    await apply(pools('ingest'));
    // Event ids are not in age order: the rule reads the time of the last change, not the id or the creation.
    await delivery(9_120, NOW - 20 * DAY, 'delivered', NOW - 15 * DAY);
    await delivery(4_007, NOW - 16 * DAY, 'dead', NOW - 14 * DAY - 1);
    await delivery(7_311, NOW - 20 * DAY, 'delivered', NOW - 13 * DAY);
    await delivery(8_002, NOW - 15 * DAY, 'dead', NOW - 14 * DAY + 60_000);
    await delivery(2_540, NOW - 30 * DAY, 'pending');
    await delivery(9_900, NOW - HOUR, 'delivered', NOW - HOUR + 2_000);

    const report = await round(new Pruner({ store, clock, log, batch: 100, pauseMs: PAUSE_MS }), clock);

    expect(await kept()).toEqual(['2540-oncall pending', '7311-oncall delivered', '8002-oncall dead', '9900-oncall delivered']);
    expect(batchesOf(report, 'deliveries')).toEqual([2]);
    // The next round has nothing more to take.
    expect(batchesOf(await round(new Pruner({ store, clock, log, batch: 100, pauseMs: PAUSE_MS }), clock), 'deliveries')).toEqual([0]);
  });

  it('deliveries follow the events’ age set in flotte.yaml, deleted in batches of at most the batch size', async () => {
    await apply(`${pools('ingest')}retention:\n  events:\n    maxAge: 2d\n`);
    // Twelve settled three days ago, alternating delivered and dead, ids out of age order.
    for (let i = 0; i < 12; i++) await delivery(1_000 + ((i * 7) % 12), NOW - 4 * DAY + i * 1_000, i % 2 ? 'dead' : 'delivered', NOW - 3 * DAY + i * 1_000);
    await delivery(5_000, NOW - 4 * DAY, 'delivered', NOW - DAY);

    const report = await round(new Pruner({ store, clock, log, batch: 5, pauseMs: PAUSE_MS }), clock);

    expect(batchesOf(report, 'deliveries')).toEqual([5, 5, 2]);
    expect(await kept()).toEqual(['5000-oncall delivered']);
  });

  it('pushed samples of a pool deleted from the store go; those of a live pool, or of a removed pool still draining, stay', async () => {
    await apply(pools('ingest', 'batch', 'nightly'));
    const sample = (pool: string, metric: string, value: number) => ({ pool, metric, value, at: NOW - 40 * DAY, receivedAt: NOW - 40 * DAY });
    await store.pushedMetrics.put([sample('ingest', 'queue', 120), sample('batch', 'queue', 7), sample('batch', 'jobs', 3)]);
    await store.pushedMetrics.put(['queue', 'jobs', 'rps', 'lag', 'backlog', 'workers', 'errors'].map((m, i) => sample('nightly', m, i)));
    // Both dropped from the file: each is drained to zero, then deleted once empty; `nightly` is empty already.
    await apply(pools('ingest'), NOW - 30 * DAY);
    expect(await store.deleteRemovedPool('nightly')).toBe(true);

    const report = await round(new Pruner({ store, clock, log, batch: 5, pauseMs: PAUSE_MS }), clock);

    expect(batchesOf(report, 'pushedMetrics')).toEqual([5, 2]);
    expect(await store.pushedMetrics.latest(['nightly'])).toEqual([]);
    expect((await store.pushedMetrics.latest(['ingest', 'batch'])).map((s) => `${s.pool} ${s.metric} ${s.value}`).sort()).toEqual(['batch jobs 3', 'batch queue 7', 'ingest queue 120']);

    // Once `batch` is empty and deleted too, its samples go at the next round.
    expect(await store.deleteRemovedPool('batch')).toBe(true);
    expect(batchesOf(await round(new Pruner({ store, clock, log, batch: 5, pauseMs: PAUSE_MS }), clock), 'pushedMetrics')).toEqual([2]);
    expect((await store.pushedMetrics.latest(['ingest', 'batch'])).map((s) => `${s.pool} ${s.metric}`)).toEqual(['ingest queue']);
  });
}

describe('retention of the outbox and pushed samples on SQLite', () => {
  outboxSuite(() => openStore(':memory:'));
});

await serviceSuite(postgresService(), `retention of the outbox and pushed samples on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  outboxSuite(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });
});
