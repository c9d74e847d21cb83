import type { VirtualClock } from '../../src/clock/virtual-clock.js';
import type { Pruner, PruneReport } from '../../src/control/retention.js';

/** The pause the pruner's tests give it between batches. */
export const PAUSE_MS = 250;

/**
 * Runs a round, moving the virtual clock on only while the pruner pauses between batches: time
 * does not run on while a statement waits for PostgreSQL, so a row one minute inside its age
 * limit is still inside it when the round ends.
 */
export async function round(pruner: Pruner, clock: VirtualClock): Promise<PruneReport> {
  let report: PruneReport | undefined;
  const running = pruner.runOnce().then((r) => (report = r));
  while (report === undefined) await (clock.pending() > 0 ? clock.advance(PAUSE_MS) : new Promise((r) => setImmediate(r)));
  await running;
  return report;
}

/** The rows each batch of one table deleted, in order. */
export const batchesOf = (report: PruneReport, table: string) => report.find((r) => r.table === table)!.batches;
