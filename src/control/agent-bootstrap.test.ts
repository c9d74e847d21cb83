import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH } from '../domain/health.js';
import { ProviderError, type LaunchRequest } from '../providers/provider.js';
import { launchJoinToken, newJoinKey } from '../store/agent-secrets.js';
import { harness, type Harness } from '../../test/support/harness.js';

let h: Harness;
afterEach(() => h?.close());

describe("the join token a launch hands its machines' agents", () => {
  it("is its intent's own token, and a re-send by a restarted controller carries the same one (same user-data under the same ClientToken)", async () => {
    h = await harness({ pools: [{ health: { ...DEFAULT_HEALTH, agent: true } }], agentServer: 'http://flotte.internal:7420' });
    const sent: LaunchRequest[] = [];
    const launch = h.sim.launch.bind(h.sim);
    let refuse = true;
    h.sim.launch = async (req) => {
      sent.push(req);
      if (refuse) throw new ProviderError('unavailable', 'endpoint unreachable');
      return launch(req);
    };
    await h.store.setDesired('analysis', 3);
    await h.runTick();
    expect(sent.length).toBeGreaterThan(0);
    const first = new Map(sent.map((r) => [r.token, r.agent?.joinToken]));

    refuse = false;
    sent.length = 0;
    await h.restart();
    await h.tickUntil(async () => (await h.store.listIntents({ pool: 'analysis', status: 'open' })).length === 0);
    const key = await h.store.agentJoinKey(newJoinKey(), h.clock.now());
    for (const r of sent) {
      expect(r.agent).toMatchObject({ server: 'http://flotte.internal:7420', pool: 'analysis' });
      expect(r.agent!.joinToken).toBe(launchJoinToken(key, 'analysis', r.token));
      expect(r.agent!.joinToken).toBe(first.get(r.token));
    }
    expect(sent.map((r) => r.token).sort()).toEqual([...first.keys()].sort());
    expect(first.size).toBe(3); // one launch per zone
    expect(new Set(first.values()).size).toBe(3); // each with its own token
  });
});
