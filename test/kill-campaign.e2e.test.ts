import { afterEach, describe, expect, it } from 'vitest';
import { KillCampaign } from '../src/campaign/kill/kill-campaign.js';

let campaign: KillCampaign | undefined;
afterEach(() => {
  // A failed run kills what it started itself; this is the belt to those braces.
  campaign?.stopAll();
  campaign = undefined;
});

describe('kill campaign (SIGKILL of real flotte up processes)', () => {
  it('8 kills in scale-outs, restarts, replaces and environment creates: nothing leaked, nothing doubled, every operation ended, no process left', async () => {
    campaign = new KillCampaign({ kills: 8, seed: 3, maxDelayMs: 2_000, settleTimeoutMs: 90_000 });
    const r = await campaign.run();
    expect(r.problems).toEqual([]);
    expect(r.ledger.leaked).toEqual([]);
    expect(r.ledger.doubled).toEqual([]);
    expect(r.ledger.made).toBeLessThanOrEqual(r.ledger.intended);
    expect(r.processesLeft).toEqual([]);
    // The seed puts kills into more than one kind of work, and the work was real.
    expect(Object.values(r.killsByWork).filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    expect(r.ledger.made).toBeGreaterThan(18);
    // Operations may end failed or cancelled only with a reason; the check above holds that.
    expect(Object.keys(r.operations).every((s) => ['succeeded', 'failed', 'cancelled', 'rolled-back'].includes(s))).toBe(true);
  }, 240_000);
});
