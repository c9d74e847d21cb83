import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../src/campaign/engine.js';
import { summarize } from '../../src/campaign/report.js';
import { FAULT_KINDS, type RunResult } from '../../src/campaign/types.js';
import { CI_CAMPAIGN, ciSchedules } from './ci-campaign.js';

const named = (runs: RunResult[]) =>
  runs.flatMap((r) => r.violations.map((v) => `seed ${r.schedule.seed} ${v.invariant}: ${v.message}`)).join('\n') || 'no violation';

// The standing campaign at CI size: the real controller and bulk operations under every fault
// kind of the catalogue, invariants checked every tick. A violation names its seed; replay it
// with `npm run campaign -- --seed N --hours 48 --pools 4`, which also shrinks it.
describe(`the CI campaign (${CI_CAMPAIGN.hours} virtual hours × ${CI_CAMPAIGN.seeds.length} seeds × ${CI_CAMPAIGN.pools} pools)`, () => {
  it('breaks no invariant, under every fault kind and at least 20 crash points', async () => {
    const runs: RunResult[] = [];
    for (const s of ciSchedules()) runs.push(await runCampaign(s));
    const rep = summarize(runs);
    expect(named(runs)).toBe('no violation');
    for (const kind of FAULT_KINDS) expect(rep.faultsByKind[kind] ?? 0, `${kind} injected`).toBeGreaterThan(0);
    expect(rep.faultsByKind.crash).toBeGreaterThanOrEqual(20);
    // The crashes really landed inside ticks (not all on an idle process).
    expect(rep.crashes).toBeGreaterThanOrEqual(10);
    expect(rep.virtualHours).toBeCloseTo(CI_CAMPAIGN.hours * CI_CAMPAIGN.seeds.length, 0);
  }, 400_000);
});
