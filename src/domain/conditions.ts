/**
 * Why a pool is not doing what it normally would, as a closed set. Each is set by the part
 * that decided it (the controller, the autoscaler, the API) and cleared when its cause is gone,
 * so `flotte pools`, `explain`, the dashboard and `/metrics` read one list.
 */
export const CONDITION_TYPES = ['HealingPaused', 'ProviderUnavailable', 'AutoscalingPaused', 'BlastRadiusHold', 'DisruptionHeld'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export interface PoolCondition {
  pool: string;
  type: ConditionType;
  /** When the condition began (epoch ms); kept while it holds. */
  since: number;
  /** A fixed reason string, e.g. `MassFailure`, `ListFailed`, `Requested`, `ShareExceeded`. */
  reason: string;
  /** What holds and what to do about it, for people. */
  message: string;
  /** When it ends by itself (a timed autoscaling pause); undefined when only its cause clears it. */
  until?: number | undefined;
  /** Details the deciding part keeps with it (the machines a brake counted, held ids). */
  data?: Record<string, unknown> | undefined;
}

/** The condition as it holds at `now`: a timed one past its end is gone. */
export function activeConditions(all: readonly PoolCondition[], now: number): PoolCondition[] {
  return all.filter((c) => c.until === undefined || c.until > now);
}
