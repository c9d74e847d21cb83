import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { realClock } from '../clock/clock.js';
import { parseConfig } from '../config/load.js';
import type { Machine } from '../domain/types.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { machine } from '../../test/support/domain-fixtures.js';
import { tempDir } from '../../test/support/process.js';
import { FIXTURE_YAML } from '../../test/support/route-examples.js';
import { testApp, type TestApp } from '../../test/support/api.js';
import type { MachinePage } from './contract/index.js';

const MACHINES = 50_000;
const PAGE = 1_000;
const id = (n: number): string => `i-${String(n).padStart(8, '0')}`;

let store: Store;
let t: TestApp;
beforeAll(async () => {
  store = await openStore(join(tempDir('flotte-pages-'), 'state.db'));
  const parsed = parseConfig(FIXTURE_YAML, 'test');
  if (!parsed.ok) throw new Error('fixture config must parse');
  await store.applyConfig(parsed.applied, realClock.now());
  // Even numbers only: the odd ones are free for machines launched during the walk, on both sides of the cursor.
  await store.saveMachines(Array.from({ length: MACHINES }, (_, i) => machine(id(2 * i))));
  // Another pool's machines never show up in this one's pages.
  await store.saveMachines([machine('i-00000001', { pool: 'batch' })]);
  t = await testApp({ store, clock: realClock, parseConfig });
}, 60_000);
afterAll(async () => {
  await t.app.close();
  await store.close();
});

const pageOf = async (after: string | null, limit = PAGE): Promise<MachinePage> => {
  const res = await t.app.inject({ url: `/api/v1/pools/analysis/machines?limit=${limit}${after ? `&after=${after}` : ''}`, headers: t.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('paging a pool of 50,000 machines', () => {
  it('returns every machine exactly once while machines come and go between pages', async () => {
    const seen = new Map<string, number>();
    const removed = new Set<string>();
    const added = new Set<string>();
    let next: string | null = null;
    let pages = 0;
    do {
      const page: MachinePage = await pageOf(next);
      for (const m of page.items) seen.set(m.id, (seen.get(m.id) ?? 0) + 1);
      next = page.next;
      pages++;
      // Between pages: one machine behind the cursor and one ahead of it go away, and two are launched on either side.
      const at = pages * PAGE * 2;
      const gone: Machine[] = [id(at - 2 * PAGE), id(at + 2 * PAGE + 2)].filter((x) => x < id(2 * MACHINES)).map((x) => machine(x, { state: 'gone' }));
      const fresh = [id(at - PAGE + 1), id(at + PAGE + 1)].filter((x) => x < id(2 * MACHINES)).map((x) => machine(x));
      await store.saveMachines([...gone, ...fresh]);
      for (const m of gone) removed.add(m.id);
      for (const m of fresh) added.add(m.id);
    } while (next);

    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // Every machine there from start to end was seen; one removed before the walk reached it never was.
    for (let i = 0; i < MACHINES; i++) {
      const m = id(2 * i);
      if (!removed.has(m)) expect(seen.has(m), m).toBe(true);
    }
    const removedAhead = [...removed].filter((m) => !seen.has(m));
    expect(removedAhead.length).toBeGreaterThan(0);
    // Launched ahead of the cursor: found; launched behind it: not, and never a repeat.
    expect([...added].filter((m) => seen.has(m)).length).toBeGreaterThan(0);
    expect([...added].filter((m) => !seen.has(m)).length).toBeGreaterThan(0);
    expect(seen.has('i-00000001')).toBe(false);
    expect(pages).toBeGreaterThanOrEqual(MACHINES / PAGE);
  }, 120_000);

  it('the last page has no next cursor, and a bad limit is refused naming the field', async () => {
    const all = await store.listMachines({ pool: 'analysis' });
    const last = await pageOf(all.at(-3)!.id, 2);
    expect(last.items.map((m) => m.id)).toEqual(all.slice(-2).map((m) => m.id));
    expect(last.next).toBeNull();
    const bad = await t.app.inject({ url: '/api/v1/pools/analysis/machines?limit=0', headers: t.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.problems[0].field).toBe('query.limit');
    const missing = await t.app.inject({ url: '/api/v1/pools/nope/machines', headers: t.headers });
    expect(missing.statusCode).toBe(404);
  });
});
