import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../src/campaign/engine.js';
import type { Fault, RunResult } from '../../src/campaign/types.js';
import { ENV_ACTIVE } from '../../src/domain/environments/types.js';

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
});
