import { countItems, resolveAmount, type Operation, type OperationItem, type OperationProgress, type OperationStatus } from './types.js';

/** What the executor sees of the pool right now, reduced to what the strategy needs. */
export interface PoolView {
  /** Machines in the pool that count as capacity (percentages are of this). */
  poolSize: number;
  /** Machines of the pool that are ready now. */
  ready: number;
  /** Every canary item is done and its machine is ready now. */
  canaryHealthy: boolean;
  /** A roll-out's disruption budget: most items in progress at once now (undefined: no budget). */
  budget?: number | undefined;
}

export interface Decision {
  /** Machines whose items start now, in order. */
  start: string[];
  progress: OperationProgress;
  /** A new status, when the operation moves on. */
  status?: OperationStatus | undefined;
  /** `abort`: stop starting work; a replace also undoes what it made. */
  abort?: boolean | undefined;
  message?: string | undefined;
  /** Items wait that the strategy would start now, and only the disruption budget holds them. */
  held?: boolean | undefined;
}

/** Rolling without a size says nothing about pace: one tenth of the pool at a time. */
export const DEFAULT_ROLLING_SHARE = 10;
/** Without a threshold, up to this share of the machines may fail before the operation aborts. */
export const DEFAULT_FAILURE_SHARE = 5;

export function failureThreshold(op: Pick<Operation, 'strategy'>, total: number): number {
  return op.strategy.failureThreshold ?? Math.floor((DEFAULT_FAILURE_SHARE / 100) * total);
}

/** Most items that may be in progress at once under the strategy. */
export function windowSize(op: Pick<Operation, 'strategy'>, total: number, poolSize: number): number {
  const s = op.strategy;
  if (s.kind === 'all-at-once') return total;
  if (s.batchSize !== undefined) return Math.max(1, s.batchSize);
  return Math.max(1, resolveAmount(s.maxUnavailable ?? { percent: DEFAULT_ROLLING_SHARE }, poolSize));
}

/**
 * One step of an operation's strategy, pure: which machines to start now, and whether the
 * operation moves on (baked, paused at a checkpoint, aborted, finished). Items become done or
 * failed by health gating in the executor; this only reads their statuses.
 */
export function decide(op: Operation, items: readonly OperationItem[], view: PoolView, now: number): Decision {
  const progress: OperationProgress = { ...op.progress, checkpointsPassed: [...op.progress.checkpointsPassed] };
  const counts = countItems(items);
  const total = items.length;
  const failed = items.filter((i) => i.status === 'failed');
  const inCanary = progress.phase !== 'main';
  const abortAt = inCanary ? 0 : failureThreshold(op, total);
  if (failed.length > abortAt) {
    const names = failed.slice(0, 10).map((i) => `${i.machine} (${i.error ?? 'failed'})`).join(', ');
    const more = failed.length > 10 ? ` and ${failed.length - 10} more` : '';
    const where = inCanary ? 'in the canary' : `(threshold ${abortAt})`;
    return { start: [], progress, abort: true, status: op.kind === 'replace' ? 'rolled-back' : 'failed', message: `${failed.length} machines failed ${where}: ${names}${more}` };
  }
  if (counts.pending === 0 && counts['in-progress'] === 0) {
    const note = failed.length ? `; ${failed.length} failed (within threshold ${abortAt})` : '';
    return { start: [], progress, status: 'succeeded', message: `${counts.done} of ${total} machines done${note}` };
  }
  if (op.status !== 'running') return { start: [], progress };

  const pending = items.filter((i) => i.status === 'pending');
  const canary = op.strategy.canary;
  if (progress.phase === 'canary') {
    const canaryItems = items.slice(0, canary?.count ?? 0);
    if (canary && canaryItems.some((i) => i.status !== 'done')) {
      return { start: canaryItems.filter((i) => i.status === 'pending').map((i) => i.machine), progress };
    }
    progress.phase = 'baking';
    progress.bakeUntil = now + (canary?.bakeMs ?? 0);
  }
  if (progress.phase === 'baking') {
    if (now < (progress.bakeUntil ?? 0)) return { start: [], progress };
    if (!view.canaryHealthy) {
      return { start: [], progress, abort: true, status: op.kind === 'replace' ? 'rolled-back' : 'failed', message: 'the canary machines were not all healthy at the end of the bake' };
    }
    progress.phase = 'main';
  }

  let slots = windowSize(op, total, view.poolSize) - counts['in-progress'];
  if (op.strategy.batchSize !== undefined && counts['in-progress'] > 0) slots = 0;
  if (op.strategy.minHealthy) slots = Math.min(slots, view.ready - resolveAmount(op.strategy.minHealthy, view.poolSize));
  const settled = counts.done + counts.failed;
  const next = (op.strategy.checkpoints ?? []).filter((c) => !progress.checkpointsPassed.includes(c)).sort((a, b) => a - b)[0];
  if (next !== undefined) {
    const upTo = Math.ceil((next / 100) * total);
    if (settled >= upTo && counts['in-progress'] === 0) {
      progress.checkpointsPassed.push(next);
      return { start: [], progress, status: 'paused', message: `paused at the ${next}% checkpoint: ${settled} of ${total} done; resume to go on` };
    }
    slots = Math.min(slots, upTo - settled - counts['in-progress']);
  }
  if (view.budget !== undefined && pending.length > 0 && slots > 0 && slots > view.budget - counts['in-progress']) {
    slots = view.budget - counts['in-progress'];
    if (slots <= 0) return { start: [], progress, held: true };
  }
  return { start: pending.slice(0, Math.max(0, slots)).map((i) => i.machine), progress };
}
