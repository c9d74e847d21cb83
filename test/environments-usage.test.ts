import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { VirtualClock } from '../src/clock/virtual-clock.js';
import { ENV_YAML, envHarness, type EnvHarness } from './support/environments.js';
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

interface Row { scope: string; environments: number; machineHours: number; stoppedMachineHours: number; cost: number; unpriced: string[] }

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
    const expected = { environments: 1, machineHours: Math.round(4 * hours * 100) / 100, stoppedMachineHours: 0, cost: Math.round((3 * hours * 0.1 + hours * 0.25) * 100) / 100, unpriced: [] };

    const mine = (await t.app.inject({ url: '/api/v1/environment-usage?since=1d', headers: alice })).json() as { items: Row[] };
    expect(mine.items).toEqual([{ scope: 'user alice', ...expected }]);
    const all = (await t.app.inject({ url: '/api/v1/environment-usage?since=1d', headers: ops })).json() as { items: Row[] };
    expect(all.items).toEqual([{ scope: 'team pay', ...expected }, { scope: 'user alice', ...expected }]);
    expect(hours).toBeGreaterThan(2);
  });

  it('prices a calendar month in UTC: only the part inside it, stopped time at the template share, by template or team', async () => {
    const Z = (iso: string) => Date.parse(iso);
    const H = 3_600_000;
    // Stopped machine-hours cost half the running price in this template.
    eh = await envHarness(PRICES, ENV_YAML.replace('      ttl: 8h\n', '      ttl: 1d\n      stoppedPrice: 0.5\n'), { clock: new VirtualClock(Z('2026-11-30T22:00:00Z')) });
    t = await testApp({ store: eh.h.store, clock: eh.h.clock, parseConfig });
    const alice = { name: 'alice', all: false };
    const env = await eh.service.create(alice, { name: 'late', template: 'stack' });
    await eh.until(async () => (await eh.status(env.id)).status === 'ready');
    await eh.h.clock.advanceTo(Z('2026-12-01T02:00:00Z'));
    await eh.service.stop(alice, env.id);
    await eh.h.clock.advanceTo(Z('2026-12-01T08:00:00Z'));
    await eh.service.start(alice, env.id);
    await eh.until(async () => (await eh.status(env.id)).status === 'ready');
    await eh.h.clock.advanceTo(Z('2026-12-01T10:00:00Z'));
    await eh.service.destroy(alice, env.id);
    await eh.until(async () => (await eh.status(env.id)).status === 'destroyed');
    const ended = (await eh.status(env.id)).endedAt!;
    await eh.h.clock.advanceTo(Z('2027-01-02T00:00:00Z'));

    const ops = (await t.as('operator', 'olga')).headers;
    const get = async (q: string) => {
      const r = await t.app.inject({ url: `/api/v1/environment-usage?${q}`, headers: ops });
      expect(r.statusCode).toBe(200);
      return r.json() as { from: number; to: number; items: Row[] };
    };
    // December: running 00:00-02:00 and 08:00-end, stopped 02:00-08:00; 4 machines (3 m5.large at 0.1, 1 r5.large at 0.25).
    const running = 2 + (ended - Z('2026-12-01T08:00:00Z')) / H;
    const round = (x: number) => Math.round(x * 100) / 100;
    const december = { environments: 1, machineHours: round(4 * running), stoppedMachineHours: 24, cost: round((3 * 0.1 + 0.25) * (running + 6 * 0.5)), unpriced: [] };
    const dec = await get('month=2026-12&by=template');
    expect(dec).toEqual({ from: Z('2026-12-01T00:00:00Z'), to: Z('2027-01-01T00:00:00Z'), items: [{ scope: 'template stack', ...december }] });
    expect((await get('month=2026-12&by=team')).items).toEqual([{ scope: 'team pay', ...december }]);
    // November: its last two hours, running.
    expect((await get('month=2026-11&by=user')).items).toEqual([{ scope: 'user alice', environments: 1, machineHours: 8, stoppedMachineHours: 0, cost: round(2 * (3 * 0.1 + 0.25)), unpriced: [] }]);
    expect((await get('month=2027-01')).items).toEqual([]);

    const bad = await t.app.inject({ url: '/api/v1/environment-usage?month=2026-13', headers: ops });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('a calendar month like 2026-12');
    expect((await t.app.inject({ url: '/api/v1/environment-usage?month=2026-12&since=7d', headers: ops })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/environment-usage?by=owner', headers: ops })).statusCode).toBe(400);
  });
});
