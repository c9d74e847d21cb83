import type { ConditionType, PoolCondition } from '../domain/conditions.js';
import type { ApiToken, AuditQuery, AuditRecord } from '../domain/access.js';
import type { AgentHeartbeat } from '../domain/health.js';
import type { HookRun, HookTransition } from '../domain/hooks.js';
import type { FleetEvent, LaunchIntent, Machine, PoolSpec, Template } from '../domain/types.js';
import type { ScalingDecision } from '../domain/scaling/decision.js';
import type { PushedSample } from '../domain/scaling/pushed.js';
import type { PruneRule } from '../domain/retention.js';
import type { Session } from '../domain/sign-in.js';
import type { EnvStatus, Environment } from '../domain/environments/types.js';
import type { Operation, OperationControl, OperationItem, OperationKind } from '../domain/operations/types.js';
import type { DecisionQuery, StoredDecision } from './decisions-repo.js';
import type { Fence, LeaseRow, Member } from './fence.js';
import type { AppliedConfig, AppliedConfigRecord, ApplyState, DesiredChange, EventQuery, HealingPause, JoinSecret, OperationQuery } from './store.js';

/*
 * One port per concept the store keeps. `Store` (store.ts) is all of them together; a consumer
 * names only the ports it uses, so what it may read and write is in its signature. Every method
 * is atomic on its own; repositories return domain types and rows never leak out.
 */

/** The applied flotte.yaml and the template versions it made. */
export interface ConfigPort {
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
  /** The last applied config's YAML, revision and time, or undefined before the first apply. */
  appliedConfigRecord(): Promise<AppliedConfigRecord | undefined>;
  /** The latest version when `version` is omitted. */
  getTemplate(name: string, version?: number): Promise<Template | undefined>;
}

export interface PoolsPort {
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
}

/*
 * The writes that act on shared state take a fence: with one, the store refuses the write
 * (FencedError, nothing written) unless the lease is still held, checked in the write's own
 * transaction. fence.ts stamps them with the current tenure's fence.
 */

export interface MachineWrites {
  /** Inserts or replaces machines by id, in one transaction. */
  saveMachines(machines: readonly Machine[], fence?: Fence): Promise<void>;
}

export interface MachinesPort extends MachineWrites {
  /** Machines of one pool (or all), without `gone` ones unless asked. */
  listMachines(query?: { pool?: string; includeGone?: boolean }): Promise<Machine[]>;
  /**
   * One page of a pool's live machines in id order, those with an id after `after`: the id is a
   * cursor that inserts and deletes between pages cannot shift.
   */
  pageMachines(query: { pool: string; after?: string | undefined; limit: number }): Promise<Machine[]>;
  getMachine(id: string): Promise<Machine | undefined>;
}

export interface IntentWrites {
  createIntent(intent: LaunchIntent, fence?: Fence): Promise<void>;
  setIntentStatus(id: string, status: LaunchIntent['status'], fence?: Fence): Promise<void>;
  /** Records that the intent's launch call is about to go out, at `at`. */
  markIntentSent(id: string, at: number, fence?: Fence): Promise<void>;
}

export interface IntentsPort extends IntentWrites {
  listIntents(query?: { pool?: string; status?: LaunchIntent['status'] }): Promise<LaunchIntent[]>;
}

export interface EventWrites {
  /** Appends events in order and returns them with their ids. Events are never updated. */
  appendEvents(events: readonly Omit<FleetEvent, 'id'>[], fence?: Fence): Promise<FleetEvent[]>;
  /**
   * Saves machines and appends the events that tell of them, in one transaction: a crash or a
   * refused write leaves both or neither, never a machine's new state without its event.
   */
  recordChanges(machines: readonly Machine[], events: readonly Omit<FleetEvent, 'id'>[], fence?: Fence): Promise<FleetEvent[]>;
}

export interface EventsPort extends EventWrites {
  /** Events in id order. */
  listEvents(query?: EventQuery): Promise<FleetEvent[]>;
  /** The id of the newest event, 0 when there is none: where a live stream that starts now begins. */
  latestEventId(): Promise<number>;
  /** How many events each pool has had per reason, counting those retention has pruned since. */
  eventCounts(): Promise<{ pool: string; reason: string; count: number }[]>;
}

/** Every write a controller makes under a pool's lease: what fence.ts decorates. */
export type FencedWrites = MachineWrites & IntentWrites & EventWrites;

export interface HeartbeatsPort {
  /** Records an agent's join or heartbeat: one row per machine, replaced each time. */
  saveHeartbeat(beat: AgentHeartbeat): Promise<void>;
  /** Every agent's last heartbeat in one query: the controller reads them once per tick. */
  listHeartbeats(): Promise<AgentHeartbeat[]>;
  getHeartbeat(machine: string): Promise<AgentHeartbeat | undefined>;
  deleteHeartbeats(machines: readonly string[]): Promise<void>;
}

/** Agents' credentials: joins, join secrets and the cluster's join key. */
export interface AgentsPort {
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
}

/** Scale-in protection asked through the API; the controller folds it into the machine. */
export interface ProtectionsPort {
  setProtection(machine: string, value: boolean, now: number): Promise<void>;
  listProtections(): Promise<Map<string, boolean>>;
}

export interface ConditionsPort {
  /** Pauses (or, with null, resumes) a pool's automatic replacement. */
  setHealingPaused(pool: string, pause: HealingPause | null): Promise<void>;
  listHealingPaused(): Promise<Map<string, HealingPause>>;
  /** Sets (inserts or replaces) a pool's condition of that type. */
  setCondition(condition: PoolCondition): Promise<void>;
  /** Clears a pool's condition; true when there was one. */
  clearCondition(pool: string, type: ConditionType): Promise<boolean>;
  /** Conditions as stored, by pool and type; timed ones past their end included (see `activeConditions`). */
  listConditions(query?: { pool?: string | undefined; type?: ConditionType | undefined }): Promise<PoolCondition[]>;
}

export interface DecisionsPort {
  /** Stores an autoscaling decision with its explanation (append-only). */
  recordDecision(decision: ScalingDecision): Promise<StoredDecision>;
  /** A pool's decisions, newest first. */
  listDecisions(query: DecisionQuery): Promise<StoredDecision[]>;
}

/** Controllers' membership and the leases they hold, all timed by the database's clock. */
export interface LeasesPort {
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
}

export interface TokensPort {
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
}

export interface AuditPort {
  /** Appends one audit record; audit records are never updated, and deleted only by retention (400 days by default). */
  appendAudit(record: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  /** Audit records in id order. */
  listAudit(query?: AuditQuery): Promise<AuditRecord[]>;
}

export interface RetentionPort {
  /**
   * One bounded step of retention: deletes at most `limit` rows that `rule` lets go, oldest
   * first, and says how many went (fewer than `limit`: nothing more is due). See retention-repo.ts.
   */
  pruneBatch(rule: PruneRule, limit: number): Promise<number>;
}

/** The store as a whole: whether it changed, and whether it still takes writes. */
export interface StoreStatePort {
  /** Changes whenever committed data changes, from any process: a key for caches derived from the store. */
  revision(): Promise<string>;
  /** Commits one tiny write; throws what the store throws when it does not take writes (full disk, I/O error, read-only). */
  probeWrite(now: number): Promise<void>;
}

export interface OperationsPort {
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

/** Developer environments, and the pools each one owns (written through the pools repository). */
export interface EnvironmentsPort {
  /**
   * Runs an admission (quota check, then a claim or a create) with the port bound to one
   * transaction, one admission at a time (PostgreSQL: a transaction-scoped advisory lock;
   * SQLite: one writer at a time). Without it, requests arriving together each see the usage
   * before the others and all pass the cap. `work` must read and write only through the
   * port it is given (on SQLite a query outside the transaction would wait for it forever).
   */
  admit<T>(work: (repo: EnvironmentsPort) => Promise<T>): Promise<T>;
  /** The environment and its pools in one transaction: the controller sees all roles or none. */
  create(env: Environment, pools: readonly PoolSpec[], now: number): Promise<void>;
  get(id: string): Promise<Environment | undefined>;
  /** Newest first; ended ones (destroyed, failed) only when asked. */
  list(query?: { owner?: string | undefined; statuses?: readonly EnvStatus[] | undefined }): Promise<Environment[]>;
  /** Writes the status, reason, outputs and times; `expected`, when given, must be the stored status (compare-and-set). */
  update(env: Environment, expected?: EnvStatus): Promise<boolean>;
  /** Hands a ready warm environment to `env.owner`; false when another request took it first. */
  claim(env: Environment, warmOwner: string): Promise<boolean>;
  /** Scales the pools to zero: the controller then terminates their machines. */
  release(pools: readonly string[]): Promise<void>;
  /** Suspends (stops, replacing nothing) or resumes the pools' machines; the controller acts on it. */
  suspend(pools: readonly string[], suspended: boolean): Promise<void>;
  /** Compare-and-set of the status together with the pools' suspension, in one transaction: stop and wake. */
  updateSuspending(env: Environment, expected: EnvStatus, suspended: boolean): Promise<boolean>;
  deletePools(pools: readonly string[]): Promise<void>;
}

/** The environments port as a member of the store: its methods' names (get, list, ...) are the environments' own. */
export interface WithEnvironments {
  readonly environments: EnvironmentsPort;
}

/** Where a notification delivery stands: `dead` is the dead-letter list (attempts used up). */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** A delivery as enqueued: its id is `<event>-<subscription>`, the same on every controller. */
export interface NewDelivery {
  id: string;
  subscription: string;
  kind: string;
  event: number;
  pool: string;
  body: string;
  createdAt: number;
}

export interface Delivery extends NewDelivery {
  status: DeliveryStatus;
  attempts: number;
  nextAt: number;
  updatedAt: number;
  lastError?: string | undefined;
  lastStatus?: number | undefined;
  deliveredAt?: number | undefined;
}

/** What one attempt ended in: delivered, retried at `nextAt`, or dead. */
export interface DeliveryOutcome {
  status: DeliveryStatus;
  at: number;
  nextAt: number;
  error?: string | undefined;
  httpStatus?: number | undefined;
}

/** The notification outbox (migration 0020), for the delivery worker and the API. */
export interface NotificationsPort {
  /** The last event id the worker `name` has read; undefined before its first read. */
  cursor(name: string): Promise<number | undefined>;
  /** Enqueues the deliveries (an id already there is left as it is) and moves the cursor to `lastEvent`, in one transaction. */
  enqueue(name: string, deliveries: readonly NewDelivery[], lastEvent: number): Promise<void>;
  /** Pending deliveries due at `now` that nobody holds a claim on, oldest due first. */
  due(now: number, limit: number): Promise<Delivery[]>;
  /** Claims a due delivery until `until`; false when another sender claimed it (or it was settled) first. */
  claim(id: string, holder: string, now: number, until: number): Promise<boolean>;
  /** Records an attempt's outcome and drops the claim; a no-op when `holder` no longer holds it. */
  settle(id: string, holder: string, outcome: DeliveryOutcome): Promise<void>;
  /** Newest first. */
  listDeliveries(query: { status?: DeliveryStatus | undefined; subscription?: string | undefined; limit?: number | undefined }): Promise<Delivery[]>;
}

/** The notifications port as a member of the store. */
export interface WithNotifications {
  readonly notifications: NotificationsPort;
}

/**
 * Lifecycle hook runs (migration 0022). Not fenced: a run's row says what a hook did, and its
 * end is compare-and-set on `running`, so whichever answer (or timeout) comes first stands;
 * the machine's own moves go through the fenced journal.
 */
export interface HookRunsPort {
  /** A pool's runs, oldest first: only machines in a transition have any. */
  listForPool(pool: string): Promise<HookRun[]>;
  /** Command runs in flight on one machine, for its agent's orders. */
  runningCommands(machine: string): Promise<HookRun[]>;
  /** Stores a run as started; a run of that id already stored is kept. Returns the run as stored. */
  start(run: HookRun): Promise<HookRun>;
  /** Ends a running run; false when it had ended already (or, with `machine`, is another machine's). */
  finish(id: string, end: Pick<HookRun, 'status'> & { endedAt: number; detail?: string | undefined }, machine?: string): Promise<boolean>;
  /** Their outcome's events are written. */
  markAnnounced(ids: readonly string[]): Promise<void>;
  /** Deletes the runs of these machines: all of them, or of one transition only. */
  deleteRuns(machines: readonly string[], transition?: HookTransition): Promise<void>;
}

export interface WithHookRuns {
  readonly hookRuns: HookRunsPort;
}

/** Sign-in sessions (docs/sign-in.md): found by the SHA-256 of their secret, never by the secret. */
export interface SessionsPort {
  /** Stores a new session under `hash`; sessions that expired by its `createdAt` are deleted on the way. */
  createSession(session: Session, hash: string): Promise<void>;
  /** The session whose secret hashes to `hash`, expired ones included (the caller compares with now). */
  findSessionByHash(hash: string): Promise<Session | undefined>;
  /** Logout: deletes it; false when there was none (already logged out, or never signed in). */
  deleteSessionByHash(hash: string): Promise<boolean>;
}

export interface WithSessions {
  readonly sessions: SessionsPort;
}

/**
 * Pushed metric samples (`{ type: push }`): the API keeps the latest per pool and metric, the
 * controller owning the pool reads them. Not history: `flotte explain` shows the values each
 * decision read.
 */
export interface PushedMetricsPort {
  /** Keeps each sample as its metric's latest, unless one with a later `at` is already kept. */
  put(samples: readonly PushedSample[]): Promise<void>;
  /** The kept sample of every pushed metric of these pools. */
  latest(pools: readonly string[]): Promise<PushedSample[]>;
}

export interface WithPushedMetrics {
  readonly pushedMetrics: PushedMetricsPort;
}
