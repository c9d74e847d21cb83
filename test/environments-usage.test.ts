import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { envHarness, type EnvHarness } from './support/environments.js';
import { testApp, type TestApp } from './support/api.js';

const PRICES = `
  prices:
    m5.large: 0.1
    r5.large: 0.25
  quotas:
    teams:
      pay: { members: [alice, bob] }
`;

let eh: EnvHarness;
let t: TestApp;
afterEach(async () => {
  await t?.app.close();
  await eh?.h.close();
});

interface Row { scope: string; environments: number; machineHours: number; cost: number; unpriced: string[] }

describe('environment usage', () => {
  it('counts machine-hours and cost per user and team; developers see their own row only', async () => {
    eh = await envHarness(PRICES);
    t = await testApp({ store: eh.h.store, clock: eh.h.clock, parseConfig });
    const alice = (await t.as('developer', 'alice')).headers;
    const ops = (await t.as('operator', 'olga')).headers;
    const env = await eh.service.create({ name: 'alice', all: false }, { name: 'u', template: 'stack' });
    await eh.until(async () => (await eh.status(env.id)).status === 'ready');
    await eh.h.clock.advance(2 * 3_600_000);
    await eh.service.destroy({ name: 'alice', all: false }, env.id);
    await eh.until(async () => (await eh.status(env.id)).status === 'destroyed');
    const ended = await eh.status(env.id);
    const hours = (ended.endedAt! - ended.createdAt) / 3_600_000;
    // web 2 + worker 1 on m5.large, db 1 on r5.large.
    const expected = { environments: 1, machineHours: Math.round(4 * hours * 100) / 100, cost: Math.round((3 * hours * 0.1 + hours * 0.25) * 100) / 100, unpriced: [] };

    const mine = (await t.app.inject({ url: '/api/v1/environment-usage?since=1d', headers: alice })).json() as { items: Row[] };
    expect(mine.items).toEqual([{ scope: 'user alice', ...expected }]);
    const all = (await t.app.inject({ url: '/api/v1/environment-usage?since=1d', headers: ops })).json() as { items: Row[] };
    expect(all.items).toEqual([{ scope: 'team pay', ...expected }, { scope: 'user alice', ...expected }]);
    expect(hours).toBeGreaterThan(2);
  });
});
