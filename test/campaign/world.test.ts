import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../src/campaign/engine.js';
import type { Fault, RunResult } from '../../src/campaign/types.js';
import { ENV_ACTIVE } from '../../src/domain/environments/types.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { CAMPAIGN_START } from '../../src/campaign/engine.js';
import { campaignConfig, ZONES } from '../../src/campaign/faults.js';
import { AGENT_HEALTH, CampaignWorld } from '../../src/campaign/world.js';
import { Random } from '../../src/domain/random.js';
import { TAG } from '../../src/domain/types.js';
import { SimCloud } from '../../src/providers/sim/index.js';
import { openStore } from '../../src/store/open-store.js';
import { launchRequest } from '../support/launch-request.js';

const named = (r: RunResult) => r.violations.map((v) => `${v.invariant}: ${v.message}`).join('\n') || 'no violation';
const fault = (kind: Fault['kind'], atMin: number, durationMin: number, level: number, pool = 2): Fault => ({ kind, atMs: atMin * 60_000, durationMs: durationMin * 60_000, pool, level });

// The world around the controller (autoscaler load, agents, people with environments), with the
// minimal schedules of the defects the campaign found in it kept as regressions.
describe('the campaign world', () => {
  it('env-rush (seed 1): requests of one person arriving together never take more than the quota', async () => {
    let peak = 0;
    const r = await runCampaign({ seed: 1, hours: 1, pools: 3, faults: [fault('env-rush', 10, 0, 0.402), fault('env-rush', 12, 0, 0.77)] }, {
      onEnd: async ({ store }) => {
        const live = await store.environments.list({ statuses: [...ENV_ACTIVE] });
        peak = Math.max(0, ...['alice', 'bob', 'carol', 'dan'].map((u) => live.filter((e) => e.owner === u).length));
      },
    });
    expect(r.violations, named(r)).toEqual([]);
    expect(r.faultsByKind['env-rush']).toBe(2);
    expect(peak).toBeLessThanOrEqual(2);
  }, 120_000);

  it('controller-down (seed 3): frozen past the heartbeat timeout and thawed, it declares no agent machine dead and the brake stays put', async () => {
    let unhealthy = -1;
    const r = await runCampaign({ seed: 3, hours: 1.5, pools: 3, faults: [fault('controller-down', 30, 5, 0.9)] }, {
      onEnd: async ({ store }) => {
        unhealthy = (await store.listEvents({ pool: 'pool-2' })).filter((e) => e.reason === 'Unhealthy' || e.reason === 'HealingPaused').length;
      },
    });
    expect(r.violations, named(r)).toEqual([]);
    expect(unhealthy).toBe(0);
  }, 120_000);

  it('people, load and agents are in the loop: environments are made, stopped when idle and expire; the autoscaler moves its pools', async () => {
    const reasons = new Set<string>();
    let moved = 0;
    const r = await runCampaign({ seed: 5, hours: 7, pools: 3, faults: [fault('load-spike', 120, 30, 0.5, 0), fault('flapping-heartbeats', 200, 15, 0.6)] }, {
      onEnd: async ({ store }) => {
        for (const e of await store.listEvents()) reasons.add(e.reason);
        moved = (await store.listEvents({ pool: 'pool-1' })).filter((e) => e.reason === 'DesiredChanged' && e.data?.by === 'autoscaler').length;
      },
    });
    expect(r.violations, named(r)).toEqual([]);
    for (const reason of ['EnvReady', 'EnvStopped', 'EnvExpired', 'EnvDestroyed']) expect(reasons, reason).toContain(reason);
    expect(moved).toBeGreaterThan(3);
  }, 180_000);

  it('flapping agents: every silence a controller could judge past the timeout is noted as a real failure, also between the world\'s looks', async () => {
    const clock = new VirtualClock(CAMPAIGN_START);
    const sim = new SimCloud({ seed: 4, zones: ZONES, bootSeconds: { min: 20, max: 40 } }, clock);
    const store = await openStore(':memory:');
    try {
      const config = campaignConfig({ pools: 3, seed: 4 }, new Random(1), 0, true);
      await store.applyConfig(config, clock.now());
      // pool-2 runs agents: 30 machines, all running before the agents flap.
      await sim.launch(launchRequest('agents', 30, { zone: ZONES[1]!, tags: { [TAG.pool]: 'pool-2', [TAG.cluster]: 'campaign' } }));
      await clock.advance(60_000);
      const world = new CampaignWorld(store, sim, clock, 4, 2, CAMPAIGN_START);
      await world.beforeTick(clock.now() - CAMPAIGN_START);
      world.inject(fault('flapping-heartbeats', 1, 10, 1), config.pools);
      const noted = new Map<string, number[]>();
      let judged = 0;
      while (clock.now() - CAMPAIGN_START < 12 * 60_000) {
        await world.beforeTick(clock.now() - CAMPAIGN_START);
        // The controller's tick runs long (slow answers): it judges 4 s after the world's look.
        await clock.advance(4_000);
        world.noteSilences(clock.now());
        for (const s of world.silences.splice(0)) noted.set(s.machine, [...(noted.get(s.machine) ?? []), s.at]);
        for (const b of await store.listHeartbeats()) {
          if (clock.now() - b.lastAt <= AGENT_HEALTH.heartbeatTimeoutMs) continue;
          judged++;
          // Noted at the moment its silence passed the timeout, which a judge at this moment could see.
          expect(noted.get(b.machine) ?? [], b.machine).toContain(b.lastAt + AGENT_HEALTH.heartbeatTimeoutMs);
        }
        await clock.advance(1_000);
      }
      expect(judged).toBeGreaterThan(10);
      // One note per silence, not one per look.
      for (const [m, ats] of noted) expect(new Set(ats).size, m).toBe(ats.length);
    } finally {
      await store.close();
    }
  }, 60_000);
});
