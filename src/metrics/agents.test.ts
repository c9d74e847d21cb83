import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, readyCount, type Harness } from '../../test/support/harness.js';
import { scalingSpec } from '../../test/support/scaling.js';
import { Autoscaler } from '../control/autoscaler.js';
import { storeAgentLoad } from './agents.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Every ready machine of the pool reports `cpu`, as its agent's heartbeat would. */
async function beat(cpu: number, busy = 1): Promise<void> {
  for (const m of await h!.store.listMachines({ pool: 'analysis' })) {
    if (m.state !== 'ready') continue;
    const now = h!.clock.now();
    await h!.store.saveHeartbeat({ machine: m.id, pool: 'analysis', joinedAt: now, lastAt: now, busy, drained: false, available: true, load: { load1: cpu / 25, cpu, memory: 0.5 } });
  }
}

describe('agents source: load the agents report, read from the store', () => {
  it('average CPU over warm machines drives target tracking; machines in warm-up neither count nor get scaled in', async () => {
    const scaling = scalingSpec({ type: 'agents', measure: 'cpu' }, { warmup: 60, stabilization: { scaleIn: 0, scaleOut: 0 } });
    scaling.policies = [{ type: 'target-tracking', metric: 'backlog', target: 50, aggregate: 'average', tolerance: 0.1 }];
    h = await harness({ pools: [{ desired: 4, max: 50, scaling }], sim: { bootSeconds: { min: 5, max: 5 } } });
    const autoscaler = new Autoscaler({ store: h.store, clock: h.clock, log: pino({ level: 'silent' }), agents: storeAgentLoad(h.store, h.clock) });
    await h.tickUntil(async () => (await readyCount(h!.store)) === 4);
    await beat(90);
    // Just ready: still in warm-up, so no machine's load counts yet and the pool holds.
    let [d] = await autoscaler.runOnce();
    expect(d!.held).toMatch(/no warm machine of analysis reported load/);
    expect(d!.desired).toBe(4);

    await h.clock.advance(60_000);
    await beat(90);
    [d] = await autoscaler.runOnce();
    expect(d!.inputs[0]).toMatchObject({ value: 90 });
    expect(d!.desired).toBe(8); // 4 warm × 90 % ÷ 50 % = 7.2 → 8
    await h.runTick(); // 4 more launched: they warm up for 60 s after they are ready

    await h.clock.advance(10_000);
    await beat(10); // load falls, but the new machines are still warming: no scale-in on their account
    [d] = await autoscaler.runOnce();
    expect(d!.proposals[0]!.why).toMatch(/still warming up/);
    expect(d!.desired).toBe(8);
  });
});
