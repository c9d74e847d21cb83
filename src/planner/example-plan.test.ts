import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanFile } from './load.js';
import { runPlan } from './run-plan.js';

const EXAMPLE = join(import.meta.dirname, '../../examples/plan.yaml');

describe('examples/plan.yaml', () => {
  it('parses, as shipped', async () => {
    const r = await loadPlanFile(EXAMPLE);
    if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.path} ${e.message}`).join('\n'));
    expect(r.plan.scenarios.map((s) => s.name)).toEqual(['openstack-private', 'aws-od-small', 'aws-od-large', 'aws-spot-small', 'aws-spot-large']);
  });

  it('horizontal vs vertical: at the same policy and SLO, coarser steps leave more capacity idle', async () => {
    const loaded = await loadPlanFile(EXAMPLE);
    if (!loaded.ok) throw new Error('example must parse');
    // One day of the example's on-demand pair, without the forecast, keeps the test short.
    const plan = { ...loaded.plan, duration: 86_400, workload: { ...loaded.plan.workload, forecast: undefined }, scenarios: loaded.plan.scenarios.filter((s) => s.name.startsWith('aws-od-')) };
    const r = await runPlan(plan);
    const [small, large] = r.scenarios;
    // Both hold the SLO for (nearly) all arriving work...
    for (const s of [small!, large!]) expect(s.timeOverSlo.share).toBeLessThan(0.01);
    // ...but big machines are added and removed in 48-task/s steps instead of 6: more idle capacity.
    expect(1 - large!.capacity.utilization).toBeGreaterThan(1 - small!.capacity.utilization);
    const idleWork = (s: typeof small) => s!.capacity.idleMachineHours * s!.size.throughput;
    expect(idleWork(large)).toBeGreaterThan(idleWork(small));
    // Same price per unit of work, so the idle capacity is what the vertical design pays extra.
    expect(large!.cost.total).toBeGreaterThan(small!.cost.total);
    expect(large!.machines.peak).toBeLessThan(small!.machines.peak);
  });
});
