import type { ConditionType, PoolCondition } from '../domain/conditions.js';
import type { ApiToken, AuditQuery, AuditRecord } from '../domain/access.js';
import type { AgentHeartbeat } from '../domain/health.js';
import type { FleetEvent, LaunchIntent, Machine, PoolSpec, Template } from '../domain/types.js';
import type { ScalingDecision } from '../domain/scaling/decision.js';
import type { DecisionQuery, StoredDecision } from './decisions-repo.js';
import type { Fence, LeaseRow, Member } from './fence.js';
import type { Operation, OperationControl, OperationItem, OperationKind } from '../domain/operations/types.js';

/** What `flotte apply` stores: the validated document plus its pools and templates. */
export interface AppliedConfig {
  /** The YAML as the user wrote it, kept for `flotte config show` and the controller's providers. */
  source: string;
  cluster: string;
  providers: Record<string, unknown>;
  templates: Omit<Template, 'version'>[];
  pools: PoolSpec[];
}

export interface EventQuery {
  pool?: string | undefined;
  machine?: string | undefined;
  /** Only events with an id greater than this (cursor for paging and live tails). */
  after?: number | undefined;
  limit?: number | undefined;
}

/**
 * flotte's state, behind one interface whatever the database. Repositories return domain
 * types; rows never leak out. Every method is atomic on its own.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';

  /**
   * Stores a config in one transaction. A template whose content changed gets a new version
   * (versions are immutable once stored); `desired` of an existing pool is kept unless the
   * file's value differs from what the file said last time (so `flotte scale` survives a re-apply).
   * Returns the pools as stored.
   */
  applyConfig(config: AppliedConfig, now: number): Promise<PoolSpec[]>;
  /** The last applied config, or undefined before the first apply. */
  currentConfig(): Promise<AppliedConfig | undefined>;

  listPools(): Promise<PoolSpec[]>;
  getPool(name: string): Promise<PoolSpec | undefined>;
  /** Sets desired; the caller has checked the bounds. Returns the updated pool, undefined if unknown. */
  setDesired(name: string, desired: number): Promise<PoolSpec | undefined>;
  /**
   * Lets the size change just made to these pools terminate past the blast-radius guard (the
   * explicit `allowDestroy` of `flotte scale --allow-destroy` and of an apply), for as long as each
   * pool's size stays what it is now. Call it right after the change.
   */
  allowDestroy(pools: readonly string[]): Promise<void>;
  /** Deletes a pool an apply removed (`removedAt`), once it is empty; false when it is not (or no longer) removed. */
  deleteRemovedPool(name: string): Promise<boolean>;

  /** The latest version when `version` is omitted. */
  getTemplate(name: string, version?: number): Promise<Template | undefined>;

  /** Machines of one pool (or all), without `gone` ones unless asked. */
  listMachines(query?: { pool?: string; includeGone?: boolean }): Promise<Machine[]>;
  getMachine(id: string): Promise<Machine | undefined>;
  /** Inserts or replaces machines by id, in one transaction. */
  /** With a `fence`, refused (FencedError, nothing written) unless the lease is still held: see fence.ts. */
  saveMachines(machines: readonly Machine[], fence?: Fence): Promise<void>;

  createIntent(intent: LaunchIntent, fence?: Fence): Promise<void>;
  listIntents(query?: { pool?: string; status?: LaunchIntent['status'] }): Promise<LaunchIntent[]>;
  setIntentStatus(id: string, status: LaunchIntent['status'], fence?: Fence): Promise<void>;

  /** Appends events in order and returns them with their ids. Events are never updated. */
  appendEvents(events: readonly Omit<FleetEvent, 'id'>[], fence?: Fence): Promise<FleetEvent[]>;
  /** Events in id order. */
  listEvents(query?: EventQuery): Promise<FleetEvent[]>;

  /** Records an agent's join or heartbeat: one row per machine, replaced each time. */
  saveHeartbeat(beat: AgentHeartbeat): Promise<void>;
  /** Every agent's last heartbeat in one query: the controller reads them once per tick. */
  listHeartbeats(): Promise<AgentHeartbeat[]>;
  getHeartbeat(machine: string): Promise<AgentHeartbeat | undefined>;
  deleteHeartbeats(machines: readonly string[]): Promise<void>;
  /** The pool's join token, made (random, 192 bits) on first use. */
  joinToken(pool: string, now: number): Promise<string>;
  getJoinToken(pool: string): Promise<string | undefined>;
  /** Pauses (or, with null, resumes) a pool's automatic replacement. */
  setHealingPaused(pool: string, pause: HealingPause | null): Promise<void>;
  listHealingPaused(): Promise<Map<string, HealingPause>>;
  /** Sets (inserts or replaces) a pool's condition of that type. */
  setCondition(condition: PoolCondition): Promise<void>;
  /** Clears a pool's condition; true when there was one. */
  clearCondition(pool: string, type: ConditionType): Promise<boolean>;
  /** Conditions as stored, by pool and type; timed ones past their end included (see `activeConditions`). */
  listConditions(query?: { pool?: string | undefined; type?: ConditionType | undefined }): Promise<PoolCondition[]>;
  /** Scale-in protection asked through the API; the controller folds it into the machine. */
  setProtection(machine: string, value: boolean, now: number): Promise<void>;
  listProtections(): Promise<Map<string, boolean>>;

  /** Stores an autoscaling decision with its explanation (append-only). */
  recordDecision(decision: ScalingDecision): Promise<StoredDecision>;
  /** A pool's decisions, newest first. */
  listDecisions(query: DecisionQuery): Promise<StoredDecision[]>;

  close(): Promise<void>;

  /** Refreshes controller `id`'s heartbeat for `ttlMs` (database clock) and returns the live members. */
  heartbeat(id: string, info: Record<string, unknown>, ttlMs: number): Promise<Member[]>;
  /** Removes a member at once (graceful shutdown), so the others need not wait for its heartbeat to lapse. */
  leave(id: string): Promise<void>;
  /** Takes a free or expired lease (new token) or renews one `holder` holds (same token); undefined if held by another. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Fence | undefined>;
  releaseLease(fence: Fence): Promise<void>;
  /** Moves a held lease to live member `to` with a new token (never unheld in between); releases it and says false otherwise. */
  handOverLease(fence: Fence, to: string, ttlMs: number): Promise<boolean>;
  /** True while `fence` is the lease's current, unexpired tenure. */
  holdsLease(fence: Fence): Promise<boolean>;
  listLeases(): Promise<LeaseRow[]>;

  /** Stores a new token; only the SHA-256 of its secret (`hash`) is kept. */
  createToken(token: ApiToken, hash: string): Promise<void>;
  /** The token whose secret hashes to `hash`, revoked and expired ones included. */
  findTokenByHash(hash: string): Promise<ApiToken | undefined>;
  /** Tokens in id order after the cursor. */
  listTokens(query?: { after?: string | undefined; limit?: number | undefined }): Promise<ApiToken[]>;
  countTokens(): Promise<number>;
  /** Marks a token revoked (the first time wins). Undefined when the id is unknown. */
  revokeToken(id: string, now: number): Promise<ApiToken | undefined>;

  /** Appends one audit record; audit records are never updated or deleted. */
  appendAudit(record: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  /** Audit records in id order. */
  listAudit(query?: AuditQuery): Promise<AuditRecord[]>;

  /** Changes whenever committed data changes, from any process: a key for caches derived from the store. */
  revision(): Promise<string>;
  /** How many events each pool has per reason. */
  eventCounts(): Promise<{ pool: string; reason: string; count: number }[]>;

  /** Stores a new operation with one item per machine, in one transaction. */
  createOperation(op: Operation, items: readonly OperationItem[]): Promise<void>;
  getOperation(id: string): Promise<Operation | undefined>;
  /** Newest first. */
  listOperations(query?: OperationQuery): Promise<Operation[]>;
  /** Writes an operation's status, progress and message; never its `control`. */
  updateOperation(op: Operation): Promise<void>;
  /** Sets what the operation is asked to do (run, pause, cancel); the executor follows. Undefined if unknown. */
  setOperationControl(id: string, control: OperationControl, now: number): Promise<Operation | undefined>;
  /** Items in start order. */
  listOperationItems(id: string): Promise<OperationItem[]>;
  /** Upserts items by (operation, machine), in one transaction. */
  saveOperationItems(items: readonly OperationItem[]): Promise<void>;
  /** Durations (accepted → done) of a pool's finished items of `kind`, newest first. */
  operationItemDurations(pool: string, kind: OperationKind, limit: number): Promise<number[]>;
}

export interface OperationQuery {
  pool?: string | undefined;
  /** Only running or paused ones. */
  active?: boolean | undefined;
  limit?: number | undefined;
}

/** Why and since when the mass-failure brake holds a pool. */
export interface HealingPause {
  at: number;
  reason: string;
  /** The machines the brake counted when it tripped; it releases itself once they recover. Absent on pauses from before 0010. */
  machines?: string[] | undefined;
}
