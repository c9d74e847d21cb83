import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../src/campaign/engine.js';
import { formatSchedule } from '../../src/campaign/report.js';
import { drawSchedule } from '../../src/campaign/schedule.js';
import type { RunResult } from '../../src/campaign/types.js';

const named = (r: RunResult) => r.violations.map((v) => `${v.invariant}: ${v.message}`).join('\n') || 'no violation';

// Each test takes one safeguard out (through a seam of the campaign, never of flotte's code) and
// shows the campaign reports the invariant it protects, within a CI-sized budget.
describe('the campaign notices a removed safeguard', () => {
  it('launch intents not stored before the launch: no-double (more machines made than ever intended)', async () => {
    const r = await runCampaign({ seed: 11, hours: 1, pools: 2, faults: [] }, { removeSafeguards: ['intent-record'], stopAtFirst: true });
    expect(r.violations.map((v) => v.invariant), named(r)).toContain('no-double');
    expect(r.violations[0]!.message).toMatch(/more than the 0 ever intended/);
  }, 120_000);

  it('a terminate sent before its terminating record is stored: no-unasked-harm naming the machine', async () => {
    const s = drawSchedule(12, 6, 2, ['api-scale', 'death']);
    const r = await runCampaign(s, { removeSafeguards: ['terminate-record'], stopAtFirst: true });
    expect(r.violations.map((v) => v.invariant), `${named(r)}\n${formatSchedule(s)}`).toContain('no-unasked-harm');
    expect(r.violations[0]!.message).toMatch(/terminate of sim-\d+ \(pool pool-\d\) reached the cloud while the store had it/);
  }, 300_000);

  it('a provider that declares no list delay on a cloud that has one: the brake trips on machines that never failed', async () => {
    const s = drawSchedule(13, 6, 2, ['eventual-consistency', 'api-scale']);
    const r = await runCampaign(s, { removeSafeguards: ['list-grace'], stopAtFirst: true });
    expect(r.violations.map((v) => v.invariant), `${named(r)}\n${formatSchedule(s)}`).toContain('brake-honest');
  }, 300_000);
});
