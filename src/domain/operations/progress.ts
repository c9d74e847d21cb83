import { estimate, observedDurations, type Durations, type EstimateInput } from './estimate.js';
import { countItems, type ItemCounts, type Operation, type OperationItem } from './types.js';

export interface ProgressFigures {
  counts: ItemCounts;
  total: number;
  /** Items finished per minute since the first was started. */
  perMinute: number;
  /** Milliseconds left, for a running operation; null when it is not running. */
  etaMs: number | null;
  /** Item durations seen in this operation so far (feed of the ETA). */
  durations: Durations;
}

/**
 * Counts, rate and ETA of an operation. The ETA is the estimate for the items not yet started,
 * from the durations this very operation has shown, plus what the slowest started item still
 * needs.
 */
export function progressOf(
  op: Operation,
  items: readonly OperationItem[],
  now: number,
  base: Omit<EstimateInput, 'kind' | 'strategy' | 'total' | 'poolSize' | 'durations'>,
  fallback: Durations,
): ProgressFigures {
  const counts = countItems(items);
  const finished = items.filter((i) => i.status === 'done' && i.acceptedAt !== undefined && i.doneAt !== undefined);
  const durations = observedDurations(finished.map((i) => i.doneAt! - i.acceptedAt!), fallback);
  const started = items.map((i) => i.sentAt).filter((t): t is number => t !== undefined);
  const first = started.length ? Math.min(...started) : now;
  const perMinute = now > first ? ((counts.done + counts.failed) / (now - first)) * 60_000 : 0;
  let etaMs: number | null = null;
  if (op.status === 'running' || op.status === 'paused') {
    const rest = estimate({ ...base, kind: op.kind, strategy: { ...op.strategy, canary: op.progress.phase === 'main' ? undefined : op.strategy.canary }, total: counts.pending, poolSize: op.progress.poolSize, durations }).totalMs;
    const inFlight = items.filter((i) => i.status === 'in-progress').map((i) => i.acceptedAt ?? i.sentAt ?? now);
    const tail = inFlight.length ? Math.max(0, durations.max + base.observeMs - (now - Math.min(...inFlight))) : 0;
    etaMs = counts.pending > 0 ? tail + rest : tail;
  }
  return { counts, total: items.length, perMinute, etaMs, durations };
}
