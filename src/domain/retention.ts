/**
 * What flotte keeps of its own history, and the rules the pruner turns it into. Events,
 * decisions and audit records are appended forever by nature; retention deletes the old ones in
 * small batches (src/control/retention.ts). Heartbeats are one row per machine, replaced by each
 * beat, so only those of machines that are gone are left to delete. Notification deliveries are
 * about events, so the sent and dead-lettered ones are kept as long as the events are; pushed
 * metric samples are one row per pool and metric, so only those of deleted pools are left.
 */
export interface RetentionPolicy {
  /** Events older than `maxAgeMs` go, and the oldest beyond the newest `maxRows`: whichever limit is hit first. */
  events: { maxAgeMs: number; maxRows: number };
  decisions: { maxAgeMs: number };
  audit: { maxAgeMs: number };
}

const DAY_MS = 86_400_000;

/** The defaults of flotte.yaml's `retention:` section (README, "Retention"). */
export const RETENTION_DEFAULTS: RetentionPolicy = {
  events: { maxAgeMs: 14 * DAY_MS, maxRows: 1_000_000 },
  decisions: { maxAgeMs: 7 * DAY_MS },
  audit: { maxAgeMs: 400 * DAY_MS },
};

/** An agent may join before the controller has recorded its machine: a heartbeat of an unknown machine is kept while it is this fresh. */
export const UNKNOWN_MACHINE_HEARTBEAT_MS = 3_600_000;

/** One table's rule, with times as epoch ms: what a single prune statement may delete. */
export type PruneRule =
  | { table: 'events'; before: number; keepNewest: number }
  | { table: 'decisions'; before: number }
  | { table: 'audit'; before: number }
  /** Heartbeats of machines that are gone, or unknown and silent since before `silentBefore`. */
  | { table: 'heartbeats'; silentBefore: number }
  /** Notification deliveries delivered or dead whose last change (`updated_at`) is before `before`; a pending one is still to be sent and always stays. */
  | { table: 'deliveries'; before: number }
  /** Pushed metric samples of pools no longer in the store (removed from the file, drained and deleted). */
  | { table: 'pushedMetrics' };

export type PruneTable = PruneRule['table'];

/** The rules in force at `now`. */
export function pruneRules(policy: RetentionPolicy, now: number): PruneRule[] {
  return [
    { table: 'events', before: now - policy.events.maxAgeMs, keepNewest: policy.events.maxRows },
    { table: 'decisions', before: now - policy.decisions.maxAgeMs },
    { table: 'audit', before: now - policy.audit.maxAgeMs },
    { table: 'heartbeats', silentBefore: now - UNKNOWN_MACHINE_HEARTBEAT_MS },
    // The delivery log and the dead-letter list reach as far back as the events they are about.
    { table: 'deliveries', before: now - policy.events.maxAgeMs },
    { table: 'pushedMetrics' },
  ];
}
