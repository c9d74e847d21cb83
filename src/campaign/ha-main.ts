import { runCampaign } from './engine.js';
import { runHaCampaign } from './ha-world.js';
import { ALL_FAULT_KINDS, type AnyFaultKind, type RunResult, type Schedule } from './types.js';

/** The whole catalogue, HA faults included: an --ha run's default. */
export const haFaultKinds = (): readonly AnyFaultKind[] => ALL_FAULT_KINDS;

/** Runs a schedule on one controller, or on several sharing the pools when it names how many (so --replay and the shrinker follow the mode). */
export function runSchedule(schedule: Schedule, opts: { stopAtFirst?: boolean } = {}): Promise<RunResult> {
  return schedule.controllers !== undefined ? runHaCampaign(schedule, opts) : runCampaign(schedule, opts);
}
