import type { ConditionType, PoolCondition } from '../domain/conditions.js';
import type { ApiToken, AuditQuery, AuditRecord } from '../domain/access.js';
import type { AgentHeartbeat } from '../domain/health.js';
import type { FleetEvent, LaunchIntent, Machine, PoolSpec, Template } from '../domain/types.js';
import type { ScalingDecision } from '../domain/scaling/decision.js';
import type { PruneRule } from '../domain/retention.js';
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

/**
 * What an apply is planned against: the pools as stored (with the file's `desired` at the last
 * apply), their machines that are not gone, the last applied config and each template's latest
 * version. `applyConfig` reads it in its own transaction, so a check sees what it changes.
 */
export interface ApplyState {
  pools: PoolSpec[];
  fileDesired: Map<string, number>;
  machines: Map<string, number>;
  config: AppliedConfig | undefined;
  versions: Map<string, number>;
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
   * Returns the pools as stored. `check` sees the state the apply changes, in its transaction
   * (pools locked on PostgreSQL): whatever it throws rolls the apply back and is rethrown.
   */
  applyConfig(config: AppliedConfig, now: number, check?: (before: ApplyState) => void): Promise<PoolSpec[]>;
  /** The state an apply would be planned against, for a dry run. */
  applyState(): Promise<ApplyState>;
  /** The last applied config, or undefined before the first apply. */
  currentConfig(): Promise<AppliedConfig | undefined>;

  listPools(): Promise<PoolSpec[]>;
  getPool(name: string): Promise<PoolSpec | undefined>;
  /** Sets desired; the caller has checked the bounds. Returns the updated pool, undefined if unknown. */
  setDesired(name: string, desired: number): Promise<PoolSpec | undefined>;
  /**
   * Sets desired and appends the event `record(from)` describes, `from` being the size it
   * replaced, in one transaction that holds the pool's row: concurrent changes each see the one
   * before, so the events' from → to chain has no gap. Nothing is recorded when the size is
   * unchanged. Undefined when the pool does not exist.
   */
  changeDesired(name: string, desired: number, record: (from: number) => Omit<FleetEvent, 'id'>): Promise<DesiredChange | undefined>;
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
  /** Records that the intent's launch call is about to go out, at `at`. */
  markIntentSent(id: string, at: number, fence?: Fence): Promise<void>;

  /** Appends events in order and returns them with their ids. Events are never updated. */
  appendEvents(events: readonly Omit<FleetEvent, 'id'>[], fence?: Fence): Promise<FleetEvent[]>;
  /** Events in id order. */
  listEvents(query?: EventQuery): Promise<FleetEvent[]>;
  /** The id of the newest event, 0 when there is none: where a live stream that starts now begins. */
  latestEventId(): Promise<number>;

  /** Records an agent's join or heartbeat: one row per machine, replaced each time. */
  saveHeartbeat(beat: AgentHeartbeat): Promise<void>;
  /** Every agent's last heartbeat in one query: the controller reads them once per tick. */
  listHeartbeats(): Promise<AgentHeartbeat[]>;
  getHeartbeat(machine: string): Promise<AgentHeartbeat | undefined>;
  deleteHeartbeats(machines: readonly string[]): Promise<void>;
  /** An agent's join: its first heartbeat and the hash of its new credential, replacing any earlier one. */
  joinAgent(beat: AgentHeartbeat, credentialHash: string): Promise<void>;
  /** The hash of the machine's agent credential; undefined when it never joined, null when it joined before migration 0011. */
  agentCredential(machine: string): Promise<{ pool: string; hash: string | null } | undefined>;
  /** The cluster's key for launch join tokens: `fresh` is stored on first use, and the stored one returned ever after. */
  agentJoinKey(fresh: string, now: number): Promise<string>;
  /** Keeps the hash of a join token minted through the API (never the token). */
  addJoinSecret(secret: JoinSecret): Promise<void>;
  /** The pool's join secret with this hash, minted or legacy. */
  findJoinSecret(pool: string, hash: string): Promise<JoinSecret | undefined>;
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
  /** Creates the first admin token with its audit record, only while no live admin token exists; else returns that one. */
  bootstrapAdminToken(token: ApiToken, hash: string, audit: Omit<AuditRecord, 'id'>): Promise<{ created: true } | { created: false; existing: ApiToken }>;
  /** Marks a token revoked (the first time wins). Undefined when the id is unknown. */
  revokeToken(id: string, now: number): Promise<ApiToken | undefined>;

  /** Appends one audit record; audit records are never updated, and deleted only by retention (400 days by default). */
  appendAudit(record: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  /** Audit records in id order. */
  listAudit(query?: AuditQuery): Promise<AuditRecord[]>;

  /**
   * One bounded step of retention: deletes at most `limit` rows that `rule` lets go, oldest
   * first, and says how many went (fewer than `limit`: nothing more is due). See retention-repo.ts.
   */
  pruneBatch(rule: PruneRule, limit: number): Promise<number>;

  /** Changes whenever committed data changes, from any process: a key for caches derived from the store. */
  revision(): Promise<string>;
  /** Commits one tiny write; throws what the store throws when it does not take writes (full disk, I/O error, read-only). */
  probeWrite(now: number): Promise<void>;
  /** How many events each pool has had per reason, counting those retention has pruned since. */
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

/** What `changeDesired` did: the pool as stored, the size it had, and the event when it changed. */
export interface DesiredChange {
  pool: PoolSpec;
  from: number;
  event?: FleetEvent | undefined;
}

/** Why and since when the mass-failure brake holds a pool. */
/** A join token the store knows by its hash: minted through the API, or a pool's token from before migration 0011. */
export interface JoinSecret {
  id: string;
  pool: string;
  hash: string;
  kind: 'minted' | 'legacy';
  createdAt: number;
  createdBy: string;
}

export interface HealingPause {
  at: number;
  reason: string;
  /** The machines the brake counted when it tripped; it releases itself once they recover. Absent on pauses from before 0010. */
  machines?: string[] | undefined;
}
