import type { Fault, InvariantName, Schedule } from './types.js';

/** Whether a schedule still breaks the invariant being chased. */
export type Breaks = (schedule: Schedule) => Promise<boolean>;

/**
 * Delta debugging over a schedule's faults: removes ever smaller chunks of them while the
 * invariant still breaks, until no single fault can go. What is left is a 1-minimal schedule:
 * every remaining fault is needed. The seed, hours and pools stay as they were.
 */
export async function shrinkSchedule(schedule: Schedule, breaks: Breaks, onStep?: (faults: number) => void): Promise<Schedule> {
  const withFaults = (faults: Fault[]): Schedule => ({ ...schedule, faults });
  let faults = schedule.faults;
  // The fleet alone (no fault) may already break it.
  if (await breaks(withFaults([]))) return withFaults([]);
  let parts = 2;
  while (faults.length >= 2) {
    const size = Math.ceil(faults.length / parts);
    let reduced = false;
    for (let i = 0; i < faults.length; i += size) {
      const rest = [...faults.slice(0, i), ...faults.slice(i + size)];
      if (rest.length > 0 && (await breaks(withFaults(rest)))) {
        faults = rest;
        parts = Math.max(parts - 1, 2);
        reduced = true;
        onStep?.(faults.length);
        break;
      }
    }
    if (!reduced) {
      if (size === 1) break;
      parts = Math.min(faults.length, parts * 2);
    }
  }
  return withFaults(faults);
}

/** The invariant a shrink chases: the first one the full run broke. */
export function firstBroken(violations: readonly { invariant: InvariantName }[]): InvariantName | undefined {
  return violations[0]?.invariant;
}
