import { allowance, type Allowance } from '../../domain/disruption/budget.js';
import type { Operation } from '../../domain/operations/types.js';
import type { Store } from '../../store/store.js';

type HoldStore = Pick<Store, 'getPool' | 'setCondition' | 'clearCondition' | 'appendEvents'>;

/**
 * The disruption budget of roll-outs (operations flotte started for drift or lifetime): how many
 * of their machines may be in replacement at `now`, and the pool's `DisruptionHeld` condition
 * with a `BudgetHolding` event while the budget holds work back. Operations people start are
 * theirs to pace; healing never comes here.
 */
export class BudgetHolds {
  /** Operation → the hold message last shown ('' when not held). */
  private readonly shown = new Map<string, string>();

  constructor(private readonly store: HoldStore) {}

  /** The allowance for a roll-out now; undefined for an operation a person started. */
  async allowanceFor(op: Operation, now: number): Promise<Allowance | undefined> {
    if (!op.origin) return undefined;
    const pool = await this.store.getPool(op.pool);
    return allowance(pool?.disruption?.budgets ?? [], op.origin, op.progress.poolSize, now);
  }

  /** Shows or clears the hold; returns the operation's message while held. */
  async show(op: Operation, held: Allowance | undefined, now: number): Promise<string | undefined> {
    const message = held ? holdMessage(op, held) : '';
    const last = this.shown.get(op.id) ?? '';
    if (message === last) return message || undefined;
    this.shown.set(op.id, message);
    if (!message) {
      await this.store.clearCondition(op.pool, 'DisruptionHeld');
      await this.store.appendEvents([{ at: now, pool: op.pool, reason: 'BudgetReleased', message: `operation ${op.id} (${op.origin}) goes on: its disruption budget allows machines again`, data: { operation: op.id } }]);
      return undefined;
    }
    await this.store.setCondition({ pool: op.pool, type: 'DisruptionHeld', since: now, reason: 'BudgetHolding', message, ...(held?.until !== undefined ? { until: held.until } : {}), data: { operation: op.id, reason: op.origin } });
    if (!last) await this.store.appendEvents([{ at: now, pool: op.pool, reason: 'BudgetHolding', message, data: { operation: op.id, reason: op.origin, ...(held?.until !== undefined ? { until: held.until } : {}) } }]);
    return message;
  }

  /** The operation ended: a hold it left is cleared. */
  async forget(op: Operation): Promise<void> {
    if (this.shown.get(op.id)) await this.store.clearCondition(op.pool, 'DisruptionHeld');
    this.shown.delete(op.id);
  }
}

function holdMessage(op: Operation, a: Allowance): string {
  const until = a.until !== undefined ? ` until ${new Date(a.until).toISOString()}` : '';
  return `${op.origin} roll-out ${op.id} waits: the disruption budget allows ${a.allowed} machine${a.allowed === 1 ? '' : 's'} in replacement now (${a.by})${until}; healing is not held`;
}
