import { describe, expect, it } from 'vitest';
import { runCampaign, type Safeguard } from '../../src/campaign/engine.js';
import type { InvariantName, RunResult } from '../../src/campaign/types.js';
import { CI_CAMPAIGN, ciSchedules } from './ci-campaign.js';

const named = (r: RunResult) => r.violations.map((v) => `${v.invariant}: ${v.message}`).join('\n') || 'no violation';

// Each case takes one safeguard out (through a seam of the campaign, never of flotte's code) and
// runs the CI campaign's own schedules, stopping at the first violation: the campaign must name
// the invariant the safeguard protects, within the virtual hours CI gives it. The seed named is the
// first of the CI seeds that catches it (the others are not run, to keep CI short).
const cases: { safeguard: Safeguard; seed: number; invariant: InvariantName; message: RegExp; why: string }[] = [
  { safeguard: 'intent-record', seed: 1, invariant: 'no-double', message: /more than the 0 ever intended/, why: 'launch intents not stored before the launch' },
  { safeguard: 'terminate-record', seed: 1, invariant: 'no-unasked-harm', message: /reached the cloud while the store had it 'ready'/, why: 'terminating state not stored before the terminate call' },
  { safeguard: 'list-grace', seed: 2, invariant: 'brake-honest', message: /reported dead \(no longer listed by the provider\) while the cloud still runs it/, why: 'no list grace for a cloud that lists new machines late' },
];

describe('the CI campaign notices a removed safeguard', () => {
  for (const c of cases) {
    it(`${c.why}: ${c.invariant}`, async () => {
      const schedule = ciSchedules().find((s) => s.seed === c.seed)!;
      const r = await runCampaign(schedule, { removeSafeguards: [c.safeguard], stopAtFirst: true });
      expect(r.violations.map((v) => v.invariant), named(r)).toContain(c.invariant);
      expect(r.violations.find((v) => v.invariant === c.invariant)!.message).toMatch(c.message);
      expect(r.virtualHours).toBeLessThan(CI_CAMPAIGN.hours);
    }, 240_000);
  }
});
