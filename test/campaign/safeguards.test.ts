import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../src/campaign/engine.js';
import type { RunResult } from '../../src/campaign/types.js';

const named = (r: RunResult) => r.violations.map((v) => `${v.invariant}: ${v.message}`).join('\n') || 'no violation';

// Each test takes one safeguard out (through a seam of the campaign, never of flotte's code) and
// shows the campaign reports the invariant it protects, within a CI-sized budget. The terminate-record
// and list-grace seams exist too; their tests come once their schedules fit that budget (issue 16).
describe('the campaign notices a removed safeguard', () => {
  it('launch intents not stored before the launch: no-double (more machines made than ever intended)', async () => {
    const r = await runCampaign({ seed: 11, hours: 1, pools: 2, faults: [] }, { removeSafeguards: ['intent-record'], stopAtFirst: true });
    expect(r.violations.map((v) => v.invariant), named(r)).toContain('no-double');
    expect(r.violations[0]!.message).toMatch(/more than the 0 ever intended/);
  }, 120_000);
});
