import { runPlan } from '../src/planner/run-plan.js';
import { PlanSchema } from '../src/planner/schema.js';
import type { Bench } from './harness.js';

/**
 * The planner's speed target: one simulated month (30 days) of a ~500-machine autoscaled pool
 * at 10 s steps, through the real policy code and the real controller on the sim cloud.
 * The scenario is the example plan's AWS on-demand horizontal design.
 */
export const plannerBench: Bench = async () => {
  const plan = PlanSchema.parse({
    seed: 42,
    duration: '30d',
    step: 10,
    workload: { trace: { daily: { base: 900, peak: 2800, peakHour: 14, spikesPerDay: 4, spikeHeight: 600, spikeMinutes: 20 } } },
    scenarios: [
      {
        name: 'aws-od-small',
        provider: 'aws',
        size: { name: 'c6i.xlarge', throughput: 6, pricePerHour: 0.17 },
        bootSeconds: { min: 60, max: 120 },
        failures: { launchFailureRate: 0.002, deathsPerHour: 0.0002 },
        pool: { min: 100, max: 1200, initial: 300 },
        scaling: { policies: [{ type: 'target-tracking', metric: 'busy', target: 0.75 }, { type: 'step', metric: 'delay', adjustment: 'percent', steps: [{ lower: 120, change: 20 }] }] },
      },
    ],
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runPlan(plan);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const s = r.scenarios[0]!;
  return [
    {
      name: 'planner: 30 simulated days, ~500-machine pool, 10 s steps (wall)',
      value: wallMs / 1000,
      unit: 's',
      target: { op: '<', value: 10 },
      detail: { cpuSeconds: (cpu.user + cpu.system) / 1e6, steps: 30 * 8640, ticks: s.ticks, peakMachines: s.machines.peak, meanMachines: s.machines.mean, scaleOuts: s.scaling.scaleOuts, scaleIns: s.scaling.scaleIns },
    },
    // User + system time of every thread (GC included): steadier than wall when other work shares the machine.
    { name: 'planner: same run, process CPU', value: (cpu.user + cpu.system) / 1e6, unit: 's' },
  ];
};
