import { runCampaign } from './engine.js';
import { runHaCampaign, type HaRunResult } from './ha-world.js';
import { ALL_FAULT_KINDS, type AnyFaultKind, type RunResult, type Schedule } from './types.js';

/** The whole catalogue, HA faults included: an --ha run's default. */
export const haFaultKinds = (): readonly AnyFaultKind[] => ALL_FAULT_KINDS;

/** Runs a schedule on one controller, or on several sharing the pools when it names how many (so --replay and the shrinker follow the mode). */
export function runSchedule(schedule: Schedule, opts: { stopAtFirst?: boolean; onHour?: (hour: number) => void | Promise<void> } = {}): Promise<RunResult> {
  return schedule.controllers !== undefined ? runHaCampaign(schedule, opts) : runCampaign(schedule, opts);
}

/** The HA figures the table has no column for: per seed, controllers, refusals by the fence, lease handovers. */
export function formatHa(runs: readonly RunResult[]): string {
  const ha = runs.filter((r): r is HaRunResult => 'controllers' in r);
  if (ha.length === 0) return '';
  return `${['', 'HA (per seed): controllers, writes and cloud calls the fence refused, lease handovers:', ...ha.map((r) => `  seed ${r.schedule.seed}: ${r.controllers} controllers, ${r.fencedRefusals} refused, ${r.handovers} handovers`)].join('\n')}\n`;
}
