/**
 * Bulk operations on a pool: restart (reboot in place), replace (instance refresh), stop, start.
 *
 *   running ──pause──► paused ──resume──► running
 *      │  └──checkpoint──┘                   │
 *      ├──all items settled──► succeeded     ├──cancel──► cancelled
 *      └──failure threshold──► failed (restart/stop/start) | rolled-back (replace)
 *
 * An operation has one item per machine:  pending ─► in-progress ─► done | failed
 */
export const OPERATION_KINDS = ['restart', 'replace', 'stop', 'start'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATUSES = ['running', 'paused', 'succeeded', 'failed', 'cancelled', 'rolled-back'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
export const ACTIVE_STATUSES: ReadonlySet<OperationStatus> = new Set(['running', 'paused']);

export const ITEM_STATUSES = ['pending', 'in-progress', 'done', 'failed'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** What the people driving the operation asked for; the executor makes the status follow it. */
export const OPERATION_CONTROLS = ['run', 'pause', 'cancel'] as const;
export type OperationControl = (typeof OPERATION_CONTROLS)[number];

/** Count or share of the pool; a share is rounded down, but never below one machine. */
export type Amount = { count: number } | { percent: number };

export interface Strategy {
  kind: 'all-at-once' | 'rolling';
  /** Rolling in waves: the next wave starts when the whole previous one is done. */
  batchSize?: number | undefined;
  /** Rolling as a sliding window: at most this many machines out of service at once. */
  maxUnavailable?: Amount | undefined;
  /** Never start work that would leave fewer ready machines than this in the pool. */
  minHealthy?: Amount | undefined;
  /** The first `count` machines go alone, then must stay healthy for `bakeMs` before the rest. */
  canary?: { count: number; bakeMs: number } | undefined;
  /** Pause (for a person to resume) once this share of the machines is done, e.g. [50]. */
  checkpoints?: number[] | undefined;
  /** More failed machines than this aborts the operation (0: the first failure aborts). */
  failureThreshold?: number | undefined;
}

export interface OperationSpec {
  kind: OperationKind;
  pool: string;
  strategy: Strategy;
  /** Restart only: a hard reboot (power cycle) instead of a soft one. */
  hard: boolean;
  /**
   * Started by flotte itself to replace drifted or old machines (absent: started by a person).
   * Such an operation runs under the pool's disruption budget for its reason.
   */
  origin?: 'drift' | 'lifetime' | undefined;
}

/** Where the operation is in its strategy; persisted so a restarted controller picks it up. */
export interface OperationProgress {
  phase: 'canary' | 'baking' | 'main';
  bakeUntil?: number | undefined;
  /** Checkpoints (percent) already paused at. */
  checkpointsPassed: number[];
  /** Replace: the template version machines are replaced with, and the one they came from. */
  toVersion?: number | undefined;
  fromVersion?: number | undefined;
  /** Requests this operation sent through the shared limiter, and how many were throttled. */
  api: { calls: number; throttled: number };
  /** Live machines in the pool when the operation began: what percentages are of. */
  poolSize: number;
}

export interface Operation extends OperationSpec {
  id: string;
  status: OperationStatus;
  control: OperationControl;
  progress: OperationProgress;
  /** Why it is in its status, in words (failure reasons name the machines). */
  message: string;
  createdAt: number;
  updatedAt: number;
  finishedAt?: number | undefined;
}

export interface OperationItem {
  operation: string;
  machine: string;
  /** Order in which items are started. */
  seq: number;
  zone: string;
  status: ItemStatus;
  /** Stored before the provider call: an in-progress item without `acceptedAt` may or may not have been sent. */
  sentAt?: number | undefined;
  /** The provider accepted the action. */
  acceptedAt?: number | undefined;
  doneAt?: number | undefined;
  error?: string | undefined;
  /** Replace: the launch intent of the new machine, and the new machine once known. */
  intent?: string | undefined;
  replacement?: string | undefined;
}

export type ItemCounts = Record<ItemStatus, number>;

export function countItems(items: readonly OperationItem[]): ItemCounts {
  const out: ItemCounts = { pending: 0, 'in-progress': 0, done: 0, failed: 0 };
  for (const i of items) out[i.status]++;
  return out;
}

/** Resolves an amount against the pool size. */
export function resolveAmount(a: Amount, of: number): number {
  if ('count' in a) return Math.max(0, Math.floor(a.count));
  return Math.max(1, Math.floor((a.percent / 100) * of));
}
