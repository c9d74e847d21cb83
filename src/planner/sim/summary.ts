import type { FleetEvent } from '../../domain/types.js';
import type { SimAction, SimOutcome } from '../../providers/sim/index.js';
import type { FluidQueue } from '../queue.js';
import { HOURS_PER_MONTH, round, type ScenarioResult } from '../result.js';
import type { Plan, PlanScenario } from '../schema.js';
import type { PlanAutoscaler } from './autoscaler.js';
import type { ReplayWindow } from './replay.js';
import type { Tally } from './tally.js';

type Counters = Record<SimAction, Record<SimOutcome, number>>;

export interface Finished {
  plan: Plan;
  s: PlanScenario;
  w: ReplayWindow;
  queue: FluidQueue;
  tally: Tally;
  auto: PlanAutoscaler | undefined;
  events: FleetEvent[];
  before: Counters;
  after: Counters;
  ticks: { run: number; elided: number };
  /** List pages the elided ticks would have cost: a real controller lists every tick. */
  elidedPages: number;
}

const calls = (c: Counters, before: Counters, a: SimAction): number =>
  c[a].ok + c[a].throttled + c[a].error - (before[a].ok + before[a].throttled + before[a].error);

/** Folds one finished replay into the figures the report shows. */
export function scenarioResult(f: Finished): ScenarioResult {
  const { s, w, queue, tally } = f;
  const hours = w.durationSeconds / 3600;
  const fixed = tally.costAt(w.durationSeconds) - tally.usageCost;
  const total = tally.usageCost + fixed;
  // One pass over a month of events (hundreds of thousands), not one per reason counted.
  const byReason = new Map<string, number>();
  for (const e of f.events) byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);
  const count = (reason: string): number => byReason.get(reason) ?? 0;
  const launch = calls(f.after, f.before, 'launch');
  const terminate = calls(f.after, f.before, 'terminate');
  const describe = calls(f.after, f.before, 'list') + f.elidedPages;
  let throttled = 0;
  for (const a of Object.keys(f.after) as SimAction[]) throttled += f.after[a].throttled - f.before[a].throttled;
  const capacitySeconds = tally.readySeconds * s.size.throughput;
  const market = s.market.type === 'spot' ? `spot (${s.market.interruptionsPerHour}/h interruptions)` : s.market.type === 'reserved' ? `reserved (cap ${s.market.capacity})` : 'on-demand';
  return {
    name: s.name,
    provider: s.provider,
    size: { name: s.size.name, throughput: s.size.throughput, pricePerHour: s.size.pricePerHour },
    market,
    cost: { perHour: round(total / hours, 4), perMonth: round((total / hours) * HOURS_PER_MONTH, 2), total: round(total, 2), fixed: round(fixed, 2), usage: round(tally.usageCost, 2) },
    machineHours: round(tally.machineSeconds / 3600, 3),
    machines: { peak: tally.peakMachines, mean: round(tally.machineSeconds / w.durationSeconds, 3), min: Number.isFinite(tally.minMachines) ? tally.minMachines : 0 },
    capacity: {
      utilization: round(capacitySeconds > 0 ? queue.served / capacitySeconds : 0, 4),
      idleMachineHours: round((capacitySeconds - queue.served) / s.size.throughput / 3600, 3),
    },
    queueDelay: {
      p50: round(queue.delays.percentile(50)),
      p95: round(queue.delays.percentile(95)),
      p99: round(queue.delays.percentile(99)),
      max: round(queue.delays.max),
      mean: round(queue.delays.mean()),
    },
    timeOverSlo: { seconds: round(queue.overSlo), share: round(queue.overSlo / w.durationSeconds, 5) },
    work: { arrived: round(queue.arrived), served: round(queue.served), backlogAtEnd: round(queue.backlog) },
    scaling: { scaleOuts: f.auto?.scaleOuts ?? 0, scaleIns: f.auto?.scaleIns ?? 0, launched: count('Launched'), terminated: count('Terminating'), deaths: count('Died') },
    apiCalls: { launch, terminate, describe, throttled, total: launch + terminate + describe },
    ticks: f.ticks,
    series: tally.series.map((p) => ({ t: p.t, load: round(p.load), capacity: round(p.capacity), machines: round(p.machines, 2), delay: round(p.delay, 1), cost: round(p.cost, 2) })),
  };
}
