import { z } from 'zod';

const Point = z.strictObject({ t: z.number(), load: z.number(), capacity: z.number(), machines: z.number(), delay: z.number(), cost: z.number() });

/** One scenario of a capacity plan replayed on the sim cloud. */
export const ScenarioResultSchema = z.strictObject({
  name: z.string(),
  provider: z.string(),
  size: z.strictObject({ name: z.string(), throughput: z.number(), pricePerHour: z.number() }),
  market: z.string(),
  cost: z.strictObject({ perHour: z.number(), perMonth: z.number(), total: z.number(), fixed: z.number(), usage: z.number() }),
  machineHours: z.number(),
  machines: z.strictObject({ peak: z.number(), mean: z.number(), min: z.number() }),
  capacity: z.strictObject({ utilization: z.number(), idleMachineHours: z.number() }),
  queueDelay: z.strictObject({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number(), mean: z.number() }),
  timeOverSlo: z.strictObject({ seconds: z.number(), share: z.number() }),
  work: z.strictObject({ arrived: z.number(), served: z.number(), backlogAtEnd: z.number() }),
  scaling: z.strictObject({ scaleOuts: z.number(), scaleIns: z.number(), launched: z.number(), terminated: z.number(), deaths: z.number() }),
  apiCalls: z.strictObject({ launch: z.number(), terminate: z.number(), describe: z.number(), throttled: z.number(), total: z.number() }),
  ticks: z.strictObject({ run: z.number(), elided: z.number() }),
  series: z.array(Point),
  forecast: z
    .strictObject({
      months: z.array(
        z.strictObject({ month: z.number(), factor: z.number(), peakLoad: z.number(), peakMachines: z.number(), p99Delay: z.number(), timeOverSlo: z.number(), costPerMonth: z.number(), meetsSlo: z.boolean() }),
      ),
      runsOutMonth: z.number().nullable(),
    })
    .optional(),
});

/** The comparison a capacity plan answers. */
export const PlanResultSchema = z.strictObject({
  seed: z.number(),
  start: z.string(),
  durationSeconds: z.number(),
  /** Replayed before `start` and left out of every figure. */
  warmupSeconds: z.number().optional(),
  stepSeconds: z.number(),
  sloSeconds: z.number(),
  unit: z.string(),
  scenarios: z.array(ScenarioResultSchema),
});
export type PlanResultView = z.infer<typeof PlanResultSchema>;
