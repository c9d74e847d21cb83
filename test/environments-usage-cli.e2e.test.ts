import { afterEach, describe, expect, it } from 'vitest';
import { envPoolName, type Environment } from '../src/domain/environments/types.js';
import { cliServer, type CliServer } from './support/cli-server.js';
import { runCli, tempDir } from './support/process.js';

// `flotte env usage --month`: the real binary against a real API, over environments recorded with real epoch times.

const FLEET = `cluster: usage
providers:
  sim: { type: sim, zones: [sim-a] }
templates:
  small: { provider: sim, image: img-1, size: m5.large }
  big: { provider: sim, image: img-1, size: r5.large }
pools: {}
environments:
  prices: { m5.large: 0.1, r5.large: 0.4 }
  quotas:
    teams:
      pay: { members: [alice] }
  templates:
    stack:
      stoppedPrice: 0.25
      roles: { web: { template: small, count: 2 } }
    db:
      roles: { db: { template: big } }
`;

const Z = (iso: string) => Date.parse(iso);
const env = (id: string, owner: string, template: string, role: [string, string, number], times: Partial<Environment>): Environment => ({
  id,
  name: id,
  owner,
  template,
  templateVersion: 1,
  params: {},
  roles: [{ name: role[0], pool: envPoolName(id, role[0]), template: role[1], count: role[2], readyTimeoutMs: 900_000 }],
  status: 'destroyed',
  outputs: {},
  createdAt: 0,
  expiresAt: Z('2027-01-01T00:00:00Z'),
  ...times,
});

let api: CliServer;
afterEach(() => api?.close());

describe('flotte env usage --month', () => {
  it('prints CSV, a table or JSON for a UTC calendar month, counting only the part of each environment inside it', async () => {
    api = await cliServer(FLEET);
    const envs = [
      // alice, 2 × m5.large: made 31 Oct 20:00Z, stopped 31 Oct 22:00Z to 1 Nov 06:00Z, destroyed 1 Nov 12:00Z.
      // November: 6 h stopped, 6 h running, × 2 → 12 and 12 machine-hours; 0.1 × (12 + 12 × 0.25) = 1.5.
      env('a1', 'alice', 'stack', ['web', 'small', 2], { createdAt: Z('2026-10-31T20:00:00Z'), endedAt: Z('2026-11-01T12:00:00Z'), stops: [{ from: Z('2026-10-31T22:00:00Z'), to: Z('2026-11-01T06:00:00Z'), by: 'schedule' }] }),
      // bob, 1 × r5.large: made 30 Nov 14:00Z, destroyed 1 Dec 09:00Z → 10 h in November, 4.
      env('b1', 'bob', 'db', ['db', 'big', 1], { createdAt: Z('2026-11-30T14:00:00Z'), endedAt: Z('2026-12-01T09:00:00Z') }),
    ];
    for (const e of envs) await api.store.environments.create(e, [], e.createdAt);
    const run = (...args: string[]) => runCli(['env', 'usage', '--month', '2026-11', ...args], { server: api.server, env: api.env, cwd: tempDir() });

    const csv = await run('--by', 'template', '--csv');
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe('scope,environments,machine_hours,stopped_machine_hours,cost,unpriced_sizes\ntemplate db,1,10,0,4,\ntemplate stack,1,12,12,1.5,\n');

    const byTeam = await run('--by', 'team', '--csv');
    expect(byTeam.stdout.split('\n').slice(1, -1)).toEqual(['team (none),1,10,0,4,', 'team pay,1,12,12,1.5,']);

    const json = await run('--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ from: Z('2026-11-01T00:00:00Z'), to: Z('2026-12-01T00:00:00Z') });
    expect(JSON.parse(json.stdout).items.map((r: { scope: string }) => r.scope)).toEqual(['team (none)', 'team pay', 'user alice', 'user bob']);

    const table = await run('--by', 'user');
    expect(table.stdout.split('\n')[0]).toMatch(/^SCOPE\s+ENVS\s+MACHINE-HOURS\s+STOPPED-HOURS\s+COST\s+UNPRICED SIZES$/);
    expect(table.stdout).toMatch(/\nuser alice\s+1\s+12\s+12\s+1\.5\s*\n/);

    const help = await runCli(['env', 'usage', '--help'], { cwd: tempDir() });
    expect(help.stdout).toContain('a calendar month in UTC');
  }, 60_000);

  it.each([
    [['--month', '2026-13'], '--month takes a calendar month as YYYY-MM, e.g. 2026-12; got "2026-13" (nothing was sent)'],
    [['--month', '2026-12', '--by', 'owner'], '--by takes one of user, team, template; got "owner" (nothing was sent)'],
    [['--month', '2026-12', '--since', '7d'], 'give --since or --month, not both (nothing was sent)'],
  ])('refuses %j with exit 2 before sending anything', async (args, message) => {
    const r = await runCli(['env', 'usage', ...args], { server: 'http://127.0.0.1:9', env: { FLOTTE_TOKEN: 'x' }, cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`flotte: ${message}\n`);
  }, 30_000);
});
