import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import { testApp, type TestApp } from '../../test/support/api.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { demoConfigYaml } from '../config/demo.js';
import { parseConfig } from '../config/load.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/** Sizes asked for at once by as many clients: every one differs from the demo's 50 and from its neighbours. */
const SIZES = [61, 12, 87, 33, 70, 25, 94, 41, 58, 16, 79, 37, 65, 21, 90, 44, 53, 18, 83, 29];

/** One body on both dialects: `open` gives a fresh, empty store. */
function scaleHistory(open: () => Promise<Store>): void {
  let store: Store;
  let t: TestApp;
  beforeEach(async () => {
    store = await open();
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9, 0));
    const parsed = parseConfig(demoConfigYaml(), 'demo');
    if (!parsed.ok) throw new Error('demo config must parse');
    await store.applyConfig(parsed.applied, clock.now());
    t = await testApp({ store, clock, parseConfig });
  });
  afterEach(async () => {
    await t.app.close();
    await store.close();
  });

  it('concurrent scale requests leave an unbroken from → to chain of DesiredChanged events, ending at the stored size', async () => {
    const before = (await store.getPool('analysis'))!.desired;
    const answers = await Promise.all(SIZES.map((desired) => t.app.inject({ method: 'PUT', url: '/api/v1/pools/analysis/desired', headers: t.headers, payload: { desired } })));
    expect(answers.map((a) => a.statusCode)).toEqual(SIZES.map(() => 200));

    const changes = (await store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'DesiredChanged').map((e) => e.data as { from: number; to: number });
    expect(changes).toHaveLength(SIZES.length);
    expect(changes[0]!.from).toBe(before);
    changes.forEach((c, i) => {
      if (i > 0) expect(c.from, `event ${i}: ${JSON.stringify(c)} after ${JSON.stringify(changes[i - 1])}`).toBe(changes[i - 1]!.to);
    });
    expect(changes.at(-1)!.to).toBe((await store.getPool('analysis'))!.desired);
    expect(new Set(changes.map((c) => c.to))).toEqual(new Set(SIZES));
  });

  it('a request for the size the pool already has records nothing', async () => {
    const before = (await store.getPool('analysis'))!.desired;
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/pools/analysis/desired', headers: t.headers, payload: { desired: before } });
    expect(res.statusCode).toBe(200);
    expect((await store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'DesiredChanged')).toEqual([]);
  });
}

describe('scale history on SQLite', () => {
  scaleHistory(() => openStore(':memory:'));

});

await serviceSuite(postgresService(), `scale history on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  scaleHistory(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });
});
