import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from './schema.js';
import { runPlan } from './run-plan.js';

const fixedPool = (machines: number, load: number): PlanInput => ({
  seed: 5,
  duration: 7200,
  step: 10,
  slo: { queueDelay: 300 },
  workload: { trace: { constant: load } },
  scenarios: [{ name: 'fixed', provider: 'aws', size: { name: 'm5.large', throughput: 10, pricePerHour: 0.1 }, bootSeconds: { min: 30, max: 60 }, pool: { max: machines, min: machines, initial: machines } }],
});

describe('runPlan against arithmetic (real controller on the sim cloud)', () => {
  it('a constant load on a fixed pool costs and waits what a hand calculation says', async () => {
    // 12 machines × 10 tasks/s = 120/s of capacity for 100/s of load, at $0.10 an hour, for 2 h.
    const r = (await runPlan(PlanSchema.parse(fixedPool(12, 100)))).scenarios[0]!;
    expect(r.cost.total).toBe(2.4); // 12 × $0.10 × 2 h
    expect(r.cost.perHour).toBe(1.2);
    expect(r.cost.perMonth).toBe(876); // $1.20 × 730 h
    expect(r.machineHours).toBe(24);
    expect(r.machines).toEqual({ peak: 12, mean: 12, min: 12 });
    expect(r.queueDelay).toEqual({ p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
    expect(r.timeOverSlo.seconds).toBe(0);
    expect(r.capacity.utilization).toBeCloseTo(100 / 120, 4);
    // Idle: 20 tasks/s of spare capacity for 2 h is 4 machine-hours.
    expect(r.capacity.idleMachineHours).toBeCloseTo(4, 3);
    expect(r.work.served).toBe(100 * 7200);
  });

  it('a load above capacity grows the queue at exactly the excess rate', async () => {
    // 8 machines serve 80/s; 100/s arrive: the backlog grows 20/s and work arriving at t waits t × 20/80.
    const r = (await runPlan(PlanSchema.parse(fixedPool(8, 100)))).scenarios[0]!;
    expect(r.work.backlogAtEnd).toBe(20 * 7200);
    expect(r.work.served).toBe(80 * 7200);
    expect(r.queueDelay.max).toBe(7200 / 4);
    expect(r.queueDelay.mean).toBe(7200 / 8);
    expect(r.queueDelay.p50).toBeCloseTo(900, 0);
    // Past the 300 s SLO for everything arriving after t = 1,200 s.
    expect(r.timeOverSlo.seconds).toBe(7200 - 1200);
    // The queue's growth shows in the chart: the oldest wait climbs steadily.
    const delays = r.series.map((p) => p.delay);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
  });

  it('the same plan and seed give byte-identical JSON, faults, spot reclaims and scaling included', async () => {
    const input: PlanInput = {
      seed: 11,
      duration: '8h',
      workload: { trace: { daily: { base: 300, peak: 1200, peakHour: 4, spikesPerDay: 6, spikeHeight: 400, spikeMinutes: 15 } } },
      scenarios: [
        {
          name: 'spot',
          provider: 'aws',
          size: { name: 'c6i.xlarge', throughput: 8, pricePerHour: 0.07 },
          market: { type: 'spot', interruptionsPerHour: 0.05 },
          failures: { launchFailureRate: 0.05, deathsPerHour: 0.01 },
          pool: { min: 10, max: 400, initial: 60 },
          scaling: { policies: [{ type: 'target-tracking', metric: 'busy', target: 0.7 }] },
        },
      ],
    };
    const a = JSON.stringify(await runPlan(PlanSchema.parse(input)));
    const b = JSON.stringify(await runPlan(PlanSchema.parse(input)));
    expect(b).toBe(a);
    const r = (JSON.parse(a) as Awaited<ReturnType<typeof runPlan>>).scenarios[0]!;
    expect(r.scaling.deaths).toBeGreaterThan(0);
    expect(r.scaling.scaleOuts).toBeGreaterThan(0);
    expect(r.apiCalls.launch).toBeGreaterThan(0);
    const other = JSON.stringify(await runPlan(PlanSchema.parse({ ...input, seed: 12 })));
    expect(other).not.toBe(a);
  });
});
