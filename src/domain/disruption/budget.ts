import { formatDuration } from '../environments/duration.js';
import { scheduleOpenedAt } from '../scaling/schedule.js';

/**
 * Voluntary disruption: machines flotte replaces though nothing is wrong with them. Healing a
 * dead or unhealthy machine is not voluntary and is never held by a budget.
 * - `drift`: the machine no longer matches its pool's template or settings;
 * - `lifetime`: it has lived past the pool's `maxLifetime`;
 * - `rebalance`: the cloud advised moving off it (a Spot rebalance recommendation).
 */
export const DISRUPTION_REASONS = ['drift', 'lifetime', 'rebalance'] as const;
export type DisruptionReason = (typeof DISRUPTION_REASONS)[number];

/** A count of machines, or a share of the pool (rounded up: 10% of 5 machines is 1). */
export type BudgetAmount = { count: number } | { percent: number };

/**
 * At most `max` machines of the pool in voluntary replacement at once, for the reasons listed
 * (all when absent), while the window is open (always when there is none). A window opens at
 * each firing of `cron` in `timezone` and stays open `durationMs`.
 */
export interface DisruptionBudget {
  max: BudgetAmount;
  reasons?: readonly DisruptionReason[] | undefined;
  window?: { cron: string; timezone: string; durationMs: number } | undefined;
}

/** Without any budget that applies, one tenth of the pool at a time, as Karpenter does. */
export const DEFAULT_BUDGET: DisruptionBudget = { max: { percent: 10 } };

export interface Allowance {
  /** Machines that may be in voluntary replacement at once now. */
  allowed: number;
  /** The budget that set `allowed`, in words (`0 in window "0 8 * * 1-5" Europe/Paris for 10h`). */
  by: string;
  /** When the window that sets `allowed` closes; undefined for a budget without a window. */
  until?: number | undefined;
}

export function resolveBudget(max: BudgetAmount, poolSize: number): number {
  return 'count' in max ? Math.max(0, Math.floor(max.count)) : Math.ceil((max.percent / 100) * poolSize);
}

const describe = (b: DisruptionBudget): string => {
  const max = 'count' in b.max ? String(b.max.count) : `${b.max.percent}%`;
  return b.window ? `${max} in window "${b.window.cron}" ${b.window.timezone} for ${formatDuration(b.window.durationMs)}` : `${max} at any time`;
};

/**
 * The tightest budget for `reason` at `now`: the least of every budget that names the reason
 * (or names none) and whose window is open. The default applies only when no budget applies,
 * so a pool that writes `10%` for drift alone leaves lifetime at the default.
 */
export function allowance(budgets: readonly DisruptionBudget[], reason: DisruptionReason, poolSize: number, now: number): Allowance {
  let best: Allowance | undefined;
  for (const b of budgets) {
    if (b.reasons && !b.reasons.includes(reason)) continue;
    let until: number | undefined;
    if (b.window) {
      const opened = scheduleOpenedAt(b.window.cron, b.window.timezone, b.window.durationMs / 1000, now);
      if (opened === undefined) continue;
      until = opened + b.window.durationMs;
    }
    const allowed = resolveBudget(b.max, poolSize);
    if (!best || allowed < best.allowed || (allowed === best.allowed && (until ?? Infinity) > (best.until ?? Infinity))) best = { allowed, by: describe(b), until };
  }
  return best ?? { allowed: resolveBudget(DEFAULT_BUDGET.max, poolSize), by: `${describe(DEFAULT_BUDGET)} (the default)` };
}
