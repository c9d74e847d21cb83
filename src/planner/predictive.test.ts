import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlanFile } from './load.js';
import { runPlan } from './run-plan.js';
import { PlanSchema } from './schema.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/predictive-plan.yaml', import.meta.url));

describe('predictive scaling in the planner', () => {
  it('on the built-in daily trace, waits less than reactive scaling for no more machine-hours', async () => {
    const loaded = await loadPlanFile(EXAMPLE);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const [reactive, predictive] = (await runPlan(loaded.plan)).scenarios;
    // Printed so a run shows the figures the docs quote (docs/design/0004-autoscaling.md).
    console.log(`reactive p95 ${reactive!.queueDelay.p95} s, ${reactive!.machineHours} machine-h; predictive p95 ${predictive!.queueDelay.p95} s, ${predictive!.machineHours} machine-h`);
    expect(predictive!.queueDelay.p95).toBeLessThan(reactive!.queueDelay.p95 / 2);
    expect(predictive!.machineHours).toBeLessThanOrEqual(reactive!.machineHours);
  }, 60_000);

  it('leaves the warm-up out of every figure', async () => {
    // A fixed pool on a constant load: a warm-up before the window changes nothing measured.
    const plan = (warmup?: string) => PlanSchema.parse({ duration: '1h', ...(warmup ? { warmup } : {}), workload: { trace: { constant: 50 } }, scenarios: [{ name: 'fixed', provider: 'aws', size: { name: 'm5.large', throughput: 10, pricePerHour: 0.1 }, pool: { min: 6, max: 6, initial: 6 } }] });
    const [without, withWarmup] = await Promise.all([runPlan(plan()), runPlan(plan('2h'))]);
    const pick = (r: typeof without) => {
      const s = r.scenarios[0]!;
      return { mh: s.machineHours, cost: s.cost.total, arrived: s.work.arrived, delay: s.queueDelay, series: s.series.length };
    };
    expect(pick(withWarmup)).toEqual(pick(without));
    expect(withWarmup.scenarios[0]!.machineHours).toBe(6);
  });

  it('refuses a forecast of an average metric, naming the field', () => {
    const r = PlanSchema.safeParse({ workload: { trace: { constant: 1 } }, scenarios: [{ name: 'a', provider: 'aws', size: { name: 'x', throughput: 1 }, pool: { max: 5 }, scaling: { policies: [{ type: 'target-tracking', metric: 'busy', target: 0.7, predictive: { mode: 'on' } }] } }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['scenarios', 0, 'scaling', 'policies', 0, 'predictive'] });
    expect(r.error!.issues[0]!.message).toMatch(/forecasts a total .* not the average busy/);
  });

  it('holds lead and history to the bounds flotte.yaml has: a lead past 6 h would read a past day at an hour not yet come', () => {
    const scenario = (predictive: Record<string, unknown>) => ({ workload: { trace: { constant: 1 } }, scenarios: [{ name: 'a', provider: 'aws', size: { name: 'x', throughput: 1 }, pool: { max: 5 }, scaling: { policies: [{ type: 'target-tracking', metric: 'load', target: 1, predictive: { mode: 'on', ...predictive } }] } }] });
    const at = ['scenarios', 0, 'scaling', 'policies', 0, 'predictive'];
    for (const [field, value] of [['lead', '7h'], ['lead', '1d'], ['history', '12h'], ['history', '90d']] as const) {
      const r = PlanSchema.safeParse(scenario({ [field]: value }));
      expect(r.success, `${field}: ${value}`).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual([...at, field]);
    }
    expect(PlanSchema.safeParse(scenario({ lead: '6h', history: '60d' })).success).toBe(true);
  });
});
