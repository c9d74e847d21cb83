import { describe, expect, it } from 'vitest';
import type { Environment } from './types.js';
import { monthWindow, usage, usageCsv } from './usage.js';

const T0 = Date.UTC(2026, 11, 1, 0, 0);
const H = 3_600_000;

const env = (id: string, owner: string, createdAt: number, endedAt: number | undefined, roles: [string, number][]): Environment => ({
  id,
  name: id,
  owner,
  template: 'dev',
  templateVersion: 1,
  params: {},
  roles: roles.map(([template, count], i) => ({ name: `r${i}`, pool: `env-${id}-r${i}`, template, count, readyTimeoutMs: 600_000 })),
  status: endedAt === undefined ? 'ready' : 'destroyed',
  outputs: {},
  createdAt,
  expiresAt: createdAt + 48 * H,
  endedAt,
});

describe('usage', () => {
  const base = {
    sizeOf: new Map([['small', 'm5.large'], ['gpu', 'g5.xlarge']]),
    prices: { 'm5.large': 0.1 },
    teams: { pay: ['alice', 'bob'], web: ['bob'] },
    stoppedPrice: {},
    by: ['user', 'team'] as const,
    from: T0,
    to: T0 + 24 * H,
    now: T0 + 24 * H,
  };

  it('counts machine-hours inside the window, per user and per team, sorted, with prices and the unpriced sizes', () => {
    const rows = usage({
      ...base,
      envs: [
        env('e1', 'alice', T0 - 2 * H, T0 + 3 * H, [['small', 2]]), // 3 h inside the window
        env('e2', 'bob', T0 + 20 * H, undefined, [['small', 1], ['gpu', 1]]), // 4 h, still running
        env('e3', 'carol', T0 - 10 * H, T0 - H, [['small', 5]]), // ended before the window
        env('e4', 'carol', T0 + 24 * H, undefined, [['small', 5]]), // starts at its end
      ],
    });
    expect(rows).toEqual([
      { scope: 'team pay', environments: 2, machineHours: 14, stoppedMachineHours: 0, cost: 1, unpriced: ['g5.xlarge'] },
      { scope: 'team web', environments: 1, machineHours: 8, stoppedMachineHours: 0, cost: 0.4, unpriced: ['g5.xlarge'] },
      { scope: 'user alice', environments: 1, machineHours: 6, stoppedMachineHours: 0, cost: 0.6, unpriced: [] },
      { scope: 'user bob', environments: 1, machineHours: 8, stoppedMachineHours: 0, cost: 0.4, unpriced: ['g5.xlarge'] },
    ]);
  });

  it('rounds to cents and hundredths of an hour, and lists an unknown template once', () => {
    const rows = usage({
      ...base,
      teams: {},
      by: ['user'],
      envs: [env('e1', 'dana', T0, T0 + 20 * 60_000, [['small', 1], ['odd', 1], ['odd', 2]])],
    });
    expect(rows).toEqual([{ scope: 'user dana', environments: 1, machineHours: 1.33, stoppedMachineHours: 0, cost: 0.03, unpriced: ['?'] }]);
  });
});

describe('usage over a calendar month, with stopped time', () => {
  const dec = monthWindow('2026-12')!;
  const base = { sizeOf: new Map([['small', 'm5.large'], ['db', 'r5.large']]), prices: { 'm5.large': 0.1, 'r5.large': 0.4 }, teams: { pay: ['alice'] }, stoppedPrice: { dev: 0.25 }, ...dec };

  it('reads YYYY-MM as the month in UTC, and nothing else', () => {
    expect(dec).toEqual({ from: Date.parse('2026-12-01T00:00:00Z'), to: Date.parse('2027-01-01T00:00:00Z') });
    expect(monthWindow('2027-02')).toEqual({ from: Date.parse('2027-02-01T00:00:00Z'), to: Date.parse('2027-03-01T00:00:00Z') });
    for (const bad of ['2026-13', '2026-1', '26-12', '2026-12-01', '12026-12', 'FY2026-12', 'december']) expect(monthWindow(bad)).toBeUndefined();
  });

  // alice: made 30 Nov 20:00Z, stopped 30 Nov 22:00Z to 1 Dec 08:00Z, destroyed 1 Dec 18:00Z (2 machines).
  const alice: Environment = {
    ...env('a', 'alice', Date.parse('2026-11-30T20:00:00Z'), Date.parse('2026-12-01T18:00:00Z'), [['small', 2]]),
    stops: [{ from: Date.parse('2026-11-30T22:00:00Z'), to: Date.parse('2026-12-01T08:00:00Z'), by: 'schedule' }],
  };
  // bob: made 31 Dec 12:00Z, stopped from 31 Dec 20:00Z and still stopped (1 db machine): the month ends its count.
  const bob: Environment = {
    ...env('b', 'bob', Date.parse('2026-12-31T12:00:00Z'), undefined, [['db', 1]]),
    status: 'stopped',
    stops: [{ from: Date.parse('2026-12-31T20:00:00Z'), by: 'owner' }],
  };
  const now = Date.parse('2027-01-03T09:00:00Z');

  it('counts only the part inside the month, splits running and stopped time, and prices stopped time at the template share', () => {
    const rows = usage({ ...base, envs: [alice, bob], by: ['user'], now });
    // alice in December: stopped 00:00-08:00 (8 h), running 08:00-18:00 (10 h), × 2 machines; cost 2 × 0.1 × (10 + 8 × 0.25).
    // bob: running 12:00-20:00 (8 h), stopped 20:00-24:00 (4 h); cost 0.4 × (8 + 4 × 0.25).
    expect(rows).toEqual([
      { scope: 'user alice', environments: 1, machineHours: 20, stoppedMachineHours: 16, cost: 2.4, unpriced: [] },
      { scope: 'user bob', environments: 1, machineHours: 8, stoppedMachineHours: 4, cost: 3.6, unpriced: [] },
    ]);
  });

  it('groups by team (owners in none under "team (none)") or by template; the rows add up to the same total', () => {
    const byTeam = usage({ ...base, envs: [alice, bob], by: ['team'], now });
    expect(byTeam.map((r) => [r.scope, r.cost])).toEqual([['team (none)', 3.6], ['team pay', 2.4]]);
    const byTemplate = usage({ ...base, envs: [alice, bob], by: ['template'], now });
    expect(byTemplate).toEqual([{ scope: 'template dev', environments: 2, machineHours: 28, stoppedMachineHours: 20, cost: 6, unpriced: [] }]);
  });

  it('counts a month not over yet until now, and a stop still open until now', () => {
    const rows = usage({ ...base, envs: [bob], by: ['user'], now: Date.parse('2026-12-31T22:00:00Z') });
    expect(rows).toEqual([{ scope: 'user bob', environments: 1, machineHours: 8, stoppedMachineHours: 2, cost: 3.4, unpriced: [] }]);
  });

  it('writes CSV: a header, then one line per row, quoting what needs it', () => {
    const csv = usageCsv([
      { scope: 'user alice', environments: 1, machineHours: 20, stoppedMachineHours: 16, cost: 2.4, unpriced: [] },
      { scope: 'user "o,dd"', environments: 2, machineHours: 1.5, stoppedMachineHours: 0, cost: 0, unpriced: ['g5.xlarge', '?'] },
    ]);
    expect(csv).toBe('scope,environments,machine_hours,stopped_machine_hours,cost,unpriced_sizes\nuser alice,1,20,16,2.4,\n"user ""o,dd""",2,1.5,0,0,g5.xlarge ?\n');
  });
});
