import { describe, expect, it } from 'vitest';
import type { Environment } from './types.js';
import { usage } from './usage.js';

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
    from: T0,
    to: T0 + 24 * H,
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
      { scope: 'team pay', environments: 2, machineHours: 14, cost: 1, unpriced: ['g5.xlarge'] },
      { scope: 'team web', environments: 1, machineHours: 8, cost: 0.4, unpriced: ['g5.xlarge'] },
      { scope: 'user alice', environments: 1, machineHours: 6, cost: 0.6, unpriced: [] },
      { scope: 'user bob', environments: 1, machineHours: 8, cost: 0.4, unpriced: ['g5.xlarge'] },
    ]);
  });

  it('rounds to cents and hundredths of an hour, and lists an unknown template once', () => {
    const rows = usage({
      ...base,
      teams: {},
      envs: [env('e1', 'dana', T0, T0 + 20 * 60_000, [['small', 1], ['odd', 1], ['odd', 2]])],
    });
    expect(rows).toEqual([{ scope: 'user dana', environments: 1, machineHours: 1.33, cost: 0.03, unpriced: ['?'] }]);
  });
});
