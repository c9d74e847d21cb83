import { afterEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, serviceSuite, type PgSchema } from '../../test/support/services.js';
import type { ScalingDecision } from '../domain/scaling/decision.js';
import type { ScalingSpec } from '../domain/scaling/spec.js';
import type { PoolSpec } from '../domain/types.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const T0 = 1_700_000_000_000;
const scaling: ScalingSpec = {
  metrics: { q: { type: 'redis', url: 'redis://127.0.0.1:6379', kind: 'list', key: 'jobs' } },
  policies: [{ type: 'target-tracking', metric: 'q', target: 100, aggregate: 'total', tolerance: 0.1 }],
  evaluationInterval: 10,
  stabilization: { scaleIn: 300, scaleOut: 0 },
  cooldowns: { scaleIn: 0, scaleOut: 0 },
  maxStep: { percent: 50 },
  warmup: 30,
  dryRun: true,
};
const pool = (over: Partial<PoolSpec> = {}): PoolSpec => ({ name: 'p', provider: 'sim', template: 't', min: 0, max: 50, desired: 1, zones: ['a'], labels: {}, maxLaunching: 5, deletionOrder: 'oldest-first', ...over });
const decision = (i: number, over: Partial<ScalingDecision> = {}): ScalingDecision => ({
  pool: 'p', at: T0 + i * 10_000, current: i, desired: i + 1, recommendation: i + 1, dryRun: false, summary: `scale out ${i} → ${i + 1}`,
  inputs: [{ metric: 'q', value: (i + 1) * 100, at: T0 + i * 10_000 }], proposals: [{ policy: 'target-tracking on q', type: 'target-tracking', desired: i + 1, why: 'w' }], adjustments: [], ...over,
});

function suite(open: () => Promise<Store>) {
  let store: Store;
  afterEach(() => store?.close());
  it('keeps a pool\'s scaling spec with the pool', async () => {
    store = await open();
    await store.applyConfig({ source: '#', cluster: 'c', providers: {}, templates: [{ name: 't', provider: 'sim', image: 'i', sizes: ['s'], zones: ['a'], tags: {} }], pools: [pool({ scaling }), pool({ name: 'plain' })] }, T0);
    expect((await store.getPool('p'))!.scaling).toEqual(scaling);
    expect((await store.getPool('plain'))!.scaling).toBeUndefined();
  });
  it('stores decisions whole and lists them newest first, by time and by cursor', async () => {
    store = await open();
    for (let i = 0; i < 5; i++) await store.recordDecision(decision(i, i === 4 ? { held: 'q stale', recommendation: undefined } : {}));
    await store.recordDecision(decision(9, { pool: 'other' }));
    const all = await store.listDecisions({ pool: 'p' });
    expect(all.map((d) => d.current)).toEqual([4, 3, 2, 1, 0]);
    expect(all[1]).toEqual({ ...decision(3), id: all[1]!.id });
    expect(all[0]!.held).toBe('q stale');
    expect((await store.listDecisions({ pool: 'p', since: T0 + 30_000 })).map((d) => d.current)).toEqual([4, 3]);
    expect((await store.listDecisions({ pool: 'p', before: all[2]!.id, limit: 1 })).map((d) => d.current)).toEqual([1]);
  });
}

describe('scaling decisions on SQLite', () => suite(() => openStore(':memory:')));

await serviceSuite(postgresService(), 'scaling decisions on PostgreSQL', () => {
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
