import { describe, expect, it } from 'vitest';
import { campaignPgUrl, openCampaignDb, PgUnreachable } from '../../src/campaign/ha-db.js';
import { runHaCampaign } from '../../src/campaign/ha-world.js';
import { drawSchedule } from '../../src/campaign/schedule.js';
import { ALL_FAULT_KINDS, type Fault, type RunResult, type Schedule } from '../../src/campaign/types.js';
import { postgresService, serviceSuite } from '../support/services.js';

const named = (r: RunResult) => r.violations.map((v) => `${v.invariant}: ${v.message}`).join('\n') || 'no violation';

// The owner of pool-0 freezes 20 s in (mid scale-out) for two minutes, past its 30 s lease; a
// second freeze hits pool-1's owner later; a third controller's clock runs ahead meanwhile.
const FREEZES: Fault[] = [
  { kind: 'controller-freeze', atMs: 20_000, durationMs: 120_000, pool: 0, level: 0.1 },
  { kind: 'clock-skew', atMs: 60_000, durationMs: 600_000, pool: 0, level: 0.7 },
  { kind: 'controller-freeze', atMs: 400_000, durationMs: 120_000, pool: 1, level: 0.5 },
];

await serviceSuite(postgresService(campaignPgUrl()), 'HA campaign: several controllers sharing pools through leases', () => {
  it('takes the lease fence out (holdsLease always yes, writes unfenced): the campaign reports the frozen controller’s late writes', async () => {
    const r = await runHaCampaign({ seed: 3, hours: 0.4, pools: 2, faults: FREEZES, controllers: 3 }, { removeSafeguards: ['lease-fence'], stopAtFirst: true });
    const broke = r.violations.map((v) => v.invariant);
    expect(broke.some((i) => i === 'fence-honoured' || i === 'single-actor'), named(r)).toBe(true);
    expect(r.violations[0]!.message).toMatch(/ctl-\d\.\d .*token \d+/);
  }, 60_000);

  it('takes the lease fence out: the owner frozen as it replaces dead machines launches after its lease moved on, and the campaign names both controllers', async () => {
    const faults: Fault[] = [
      { kind: 'mass-death', atMs: 300_000, durationMs: 0, pool: 0, level: 0.5 },
      // Frozen on its second fenced call: the launch after the intent it records.
      { kind: 'controller-freeze', atMs: 300_000, durationMs: 120_000, pool: 0, level: 0.2 },
    ];
    const r = await runHaCampaign({ seed: 3, hours: 0.2, pools: 2, faults, controllers: 3 }, { removeSafeguards: ['lease-fence'], stopAtFirst: true });
    const actor = r.violations.find((v) => v.invariant === 'single-actor');
    expect(actor?.message, named(r)).toMatch(/^ctl-\d\.\d made a launch in pool pool-0 under token \d+ while ctl-\d\.\d held it under token \d+/);
  }, 60_000);

  it('with the fence in place the same freezes break nothing, and the database refuses the frozen controller’s writes', async () => {
    const r = await runHaCampaign({ seed: 3, hours: 0.4, pools: 2, faults: FREEZES, controllers: 3 });
    expect(r.violations, named(r)).toEqual([]);
    expect(r.faultsByKind['controller-freeze']).toBe(2);
    expect(r.fencedRefusals).toBeGreaterThan(0);
    expect(r.handovers).toBeGreaterThan(2);
  }, 90_000);

  it('a CI-sized run: 3 controllers, 1.5 virtual hours, the whole catalogue with freezes and skew, breaks no invariant', async () => {
    const drawn = drawSchedule(21, 1.5, 3, ALL_FAULT_KINDS);
    // The drawn faults plus one freeze and one skew for sure (a short draw may miss them).
    const schedule: Schedule = { ...drawn, controllers: 3, faults: [...drawn.faults, { kind: 'controller-freeze', atMs: 25 * 60_000, durationMs: 90_000, pool: 2, level: 0.3 }, { kind: 'clock-skew', atMs: 10 * 60_000, durationMs: 30 * 60_000, pool: 1, level: 0.9 }] };
    const r = await runHaCampaign(schedule);
    expect(r.violations, named(r)).toEqual([]);
    expect(r.virtualHours).toBe(1.5);
  }, 180_000);
});

describe('HA campaign without PostgreSQL', () => {
  it('names the fix when the database does not answer', async () => {
    // Port 1 on the loopback: nothing listens there.
    const opened = openCampaignDb('postgres://postgres@127.0.0.1:1/test', Date.UTC(2026, 11, 6, 9));
    await expect(opened).rejects.toBeInstanceOf(PgUnreachable);
    await expect(opened).rejects.toThrow(/127\.0\.0\.1:1 did not answer .*set FLOTTE_CAMPAIGN_PG=postgres:\/\//);
  });
});
