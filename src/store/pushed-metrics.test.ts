import { afterEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, serviceSuite, type PgSchema } from '../../test/support/services.js';
import type { PushedSample } from '../domain/scaling/pushed.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const T0 = 1_700_000_000_000;
const sample = (metric: string, value: number, at: number, pool = 'p'): PushedSample => ({ pool, metric, value, at, receivedAt: at + 5 });

function suite(open: () => Promise<Store>) {
  let store: Store;
  afterEach(() => store?.close());

  it('keeps the latest sample of each pool and metric, fractions and large values whole', async () => {
    store = await open();
    await store.pushedMetrics.put([sample('queue', 12.5, T0), sample('rps', 1e12 + 0.25, T0), sample('queue', 3, T0, 'other')]);
    await store.pushedMetrics.put([sample('queue', 40, T0 + 1_000)]);
    const kept = await store.pushedMetrics.latest(['p']);
    expect(kept.sort((a, b) => a.metric.localeCompare(b.metric))).toEqual([sample('queue', 40, T0 + 1_000), sample('rps', 1e12 + 0.25, T0)]);
    expect(await store.pushedMetrics.latest(['other'])).toEqual([sample('queue', 3, T0, 'other')]);
    expect(await store.pushedMetrics.latest([])).toEqual([]);
  });

  it('a sample older than the one kept (a retried request arriving late) never replaces it', async () => {
    store = await open();
    await store.pushedMetrics.put([sample('queue', 40, T0 + 1_000)]);
    await store.pushedMetrics.put([sample('queue', 10, T0)]);
    expect(await store.pushedMetrics.latest(['p'])).toEqual([sample('queue', 40, T0 + 1_000)]);
  });

  it('a batch holding several samples of one metric keeps its newest, in any order', async () => {
    store = await open();
    await store.pushedMetrics.put([sample('queue', 2, T0 + 2_000), sample('queue', 1, T0 + 1_000), sample('queue', 3, T0 + 3_000), sample('queue', 0, T0)]);
    expect(await store.pushedMetrics.latest(['p'])).toEqual([sample('queue', 3, T0 + 3_000)]);
  });
}

describe('pushed metric samples on SQLite', () => suite(() => openStore(':memory:')));

await serviceSuite(postgresService(), 'pushed metric samples on PostgreSQL', () => {
  const schemas: PgSchema[] = [];
  afterEach(async () => {
    for (const s of schemas.splice(0)) await s.drop();
  });
  suite(async () => {
    const s = freshPgSchema();
    schemas.push(s);
    return openStore(s.url);
  });
});
