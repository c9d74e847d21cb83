import { expect } from 'vitest';
import type { Clock } from '../../src/clock/clock.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import type { Autoscaler } from '../../src/control/autoscaler.js';
import type { MetricSourceSpec, PolicySpec, ScalingSpec } from '../../src/domain/scaling/spec.js';
import type { PoolSpec } from '../../src/domain/types.js';
import type { Store } from '../../src/store/store.js';
import { appliedConfig, poolSpec, simTemplate } from './builders.js';
import { scalingSpec as specOf } from './domain-fixtures.js';
import { testStore } from './test-env.js';
import { autoscaler as wireAutoscaler } from './wiring.js';

export interface ScalingRig<C extends Clock = VirtualClock> {
  clock: C;
  store: Store;
  autoscaler: Autoscaler;
  wakes: () => number;
  desired(): Promise<number>;
  close(): Promise<void>;
}

export const backlogPolicy = (target = 100): PolicySpec => ({ type: 'target-tracking', metric: 'backlog', target, aggregate: 'total', tolerance: 0.1 });

export function scalingSpec(metric: MetricSourceSpec, over: Partial<ScalingSpec> = {}): ScalingSpec {
  return specOf({ metrics: { backlog: metric }, policies: [backlogPolicy()], ...over });
}

/** A store holding one autoscaled pool, and the real autoscaler over it on a virtual clock. */
export async function scalingRig<C extends Clock = VirtualClock>(scaling: ScalingSpec, pool: Partial<PoolSpec> = {}, clock: C = new VirtualClock() as unknown as C): Promise<ScalingRig<C>> {
  const store = await testStore(
    appliedConfig({
      templates: [simTemplate({ image: 'img', sizes: ['m5.large'], zones: ['sim-a'] })],
      pools: [poolSpec({ max: 100, zones: ['sim-a'], maxLaunching: 200, scaling, ...pool })],
    }),
    clock,
  );
  let wakes = 0;
  const autoscaler = wireAutoscaler(store, clock, () => wakes++);
  return {
    clock,
    store,
    autoscaler,
    wakes: () => wakes,
    desired: async () => (await store.getPool('analysis'))!.desired,
    async close() {
      await autoscaler.close();
      await store.close();
    },
  };
}

/**
 * The queue scenario every queue source must pass: 10,000 jobs at 100 per machine scale the
 * pool out to 100 at once (and no further: max is 100); once the queue is drained the pool
 * stays at 100 for the whole 300 s stabilization window, then scales in to zero.
 */
export async function queueScenario(rig: ScalingRig, queue: { fill(n: number): Promise<void>; drain(): Promise<void> }): Promise<void> {
  await queue.fill(10_000);
  let [d] = await rig.autoscaler.runOnce();
  expect(d!.inputs[0]).toMatchObject({ metric: 'backlog', value: 10_000 });
  expect(d!.desired, d!.summary).toBe(100);
  expect(await rig.desired()).toBe(100);
  expect(rig.wakes()).toBe(1);

  await queue.fill(5_000); // 15,000 would want 150: max holds it at 100
  await rig.clock.advance(10_000);
  [d] = await rig.autoscaler.runOnce();
  expect(d!.desired).toBe(100);
  expect(d!.adjustments.map((a) => a.stage)).toEqual(['bounds']);
  const lastHigh = rig.clock.now();

  await queue.drain();
  const timeline: { after: number; desired: number }[] = [];
  while (rig.clock.now() - lastHigh < 320_000) {
    await rig.clock.advance(10_000);
    [d] = await rig.autoscaler.runOnce();
    expect(d!.inputs[0]!.value).toBe(0);
    timeline.push({ after: (rig.clock.now() - lastHigh) / 1000, desired: await rig.desired() });
  }
  // Held for the whole window (the last recommendation of 150 ages out at 300 s), then straight to zero.
  expect(timeline.filter((t) => t.after < 300).every((t) => t.desired === 100)).toBe(true);
  expect(timeline.find((t) => t.after === 300)!.desired).toBe(0);
  expect(rig.wakes()).toBe(2);
  const stored = await rig.store.listDecisions({ pool: 'analysis', limit: 5 });
  const i = stored.findIndex((x) => /^scale in 100 → 0/.test(x.summary));
  expect(i).toBeGreaterThanOrEqual(0);
  expect(stored[i + 1]!.adjustments[0]).toMatchObject({ stage: 'stabilization', from: 0, to: 100 });
}
