import type { Amount } from '../operations/types.js';
import type { DisruptionBudget } from './budget.js';

/**
 * How a pool's machines are replaced when nothing is wrong with them (drift, lifetime), as the
 * pool's `rollout`, `disruption` and `maxLifetime` say. `automatic` starts a replace operation
 * on its own; `manual` only lists the machines (`flotte drift`) for a person to replace.
 */
export interface DisruptionPolicy {
  rollout: {
    mode: 'automatic' | 'manual';
    /** Sliding window of the replace: at most this many new machines coming up at once. */
    maxUnavailable: Amount;
    minHealthy?: Amount | undefined;
    canary?: { count: number; bakeMs: number } | undefined;
    /** Failed machines beyond this roll the operation back. */
    failureThreshold?: number | undefined;
  };
  budgets: DisruptionBudget[];
  /** Machines older than this are replaced (launch first, under the budget); none when absent. */
  maxLifetimeMs?: number | undefined;
}

export const DEFAULT_DISRUPTION: DisruptionPolicy = { rollout: { mode: 'automatic', maxUnavailable: { percent: 10 } }, budgets: [] };
