import type { ProviderStatus } from '../provider.js';
import { statusAt, type SimMachine } from './sim-machine.js';

/**
 * The cloud at one instant, counted without copying a machine: what the planner reads every
 * simulated step. A machine's status only changes at the times stored on it, so
 * `nextChangeAt` says how long these counts stay true; until then nobody needs to look again.
 */
export interface SimCensus {
  at: number;
  byStatus: Record<ProviderStatus, number>;
  /** Machines the cloud charges for now: from launch until terminated, failed launches excepted. */
  billed: number;
  /** Earliest future instant at which some machine's status changes; Infinity when none will. */
  nextChangeAt: number;
}

const BILLED: ReadonlySet<ProviderStatus> = new Set(['pending', 'running', 'rebooting', 'stopping', 'terminating']);

export function takeCensus(machines: Iterable<SimMachine>, now: number): SimCensus {
  const byStatus: Record<ProviderStatus, number> = { pending: 0, running: 0, rebooting: 0, stopping: 0, stopped: 0, terminating: 0, terminated: 0, error: 0 };
  let billed = 0;
  let next = Number.POSITIVE_INFINITY;
  for (const m of machines) {
    const s = statusAt(m, now);
    byStatus[s]++;
    if (BILLED.has(s)) billed++;
    if (s === 'terminated' || s === 'error') continue;
    next = later(now, next, m.readyAt);
    next = later(now, next, m.diesAt);
    next = later(now, next, m.rebootUntil);
    next = later(now, next, m.stoppingAt);
    next = later(now, next, m.stoppedAt);
    next = later(now, next, m.terminatingAt);
    next = later(now, next, m.terminatedAt);
  }
  return { at: now, byStatus, billed, nextChangeAt: next };
}

/** `t` when it comes after `now` and before `next`, else `next`. */
function later(now: number, next: number, t: number | null | undefined): number {
  return t !== null && t !== undefined && t > now && t < next ? t : next;
}
