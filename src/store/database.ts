import type { ColumnType, Generated } from 'kysely';

/**
 * The typed schema, identical on SQLite and PostgreSQL. Times are epoch milliseconds in
 * `bigint` columns (PostgreSQL's int8 is parsed back to number in open-store.ts); JSON is
 * stored as text so both dialects read and write it the same way; booleans are 0/1.
 */
export interface Database {
  config: ConfigTable;
  templates: TemplatesTable;
  pools: PoolsTable;
  machines: MachinesTable;
  intents: IntentsTable;
  events: EventsTable;
  agents: AgentsTable;
  join_secrets: JoinSecretsTable;
  cluster_keys: ClusterKeysTable;
  pool_conditions: PoolConditionsTable;
  protections: ProtectionsTable;
  operations: OperationsTable;
  operation_items: OperationItemsTable;
  api_tokens: ApiTokensTable;
  audit: AuditTable;
  members: MembersTable;
  leases: LeasesTable;
  scaling_decisions: ScalingDecisionsTable;
  event_counts: EventCountsTable;
  store_probe: StoreProbeTable;
  environments: EnvironmentsTable;
  notification_cursor: NotificationCursorTable;
  notification_deliveries: NotificationDeliveriesTable;
  pushed_metrics: PushedMetricsTable;
  hook_runs: HookRunsTable;
  sessions: SessionsTable;
}

/** Every applied document, newest last; `currentConfig()` reads the newest. */
export interface ConfigTable {
  id: Generated<number>;
  applied_at: number;
  cluster: string;
  source: string;
  /** JSON: `AppliedConfig` without `source` and `cluster`. */
  document: string;
}

export interface TemplatesTable {
  name: string;
  version: number;
  /** Canonical JSON (sorted keys) of the template without name and version. */
  content: string;
  created_at: number;
}

export interface PoolsTable {
  name: string;
  provider: string;
  template: string;
  min: number;
  max: number;
  desired: number;
  /** `desired` as the file said it at the last apply, to tell a file change from a `flotte scale`. */
  file_desired: number;
  zones: string;
  labels: string;
  max_launching: number;
  deletion_order: string;
  /** Time of the last apply that touched this pool. */
  updated_at: number;
  /** JSON `HealthPolicy`, null when the pool uses the defaults. */
  health: ColumnType<string | null, string | null | undefined, string | null | undefined>;
  /** JSON `ScalingSpec` (migration 0003), null when the pool does not autoscale. */
  scaling: ColumnType<string | null, string | null | undefined, string | null | undefined>;
  /** Share of healthy machines one change may terminate per interval (migration 0010); null: the default. */
  blast_radius: ColumnType<number | null, number | null | undefined, number | null | undefined>;
  /** The size an explicit `allowDestroy` was given for (migration 0010); any later size change clears it. */
  destroy_allowed_to: ColumnType<number | null, number | null | undefined, number | null | undefined>;
  /** 1 while the pool is suspended (migration 0008): its machines stopped, none replaced. */
  suspended: ColumnType<number, number | undefined, number | undefined>;
  /** `shelve` when the suspended pool's machines are shelved rather than stopped (migration 0019). */
  suspend_mode: ColumnType<string | null, string | null | undefined, string | null | undefined>;
  /** An environment role's rendered user-data (migration 0018), booted beside the agent's. */
  user_data: ColumnType<string | null, string | null | undefined, string | null | undefined>;
  /** JSON `ReadinessCheck` its agents run (migration 0018); null when there is none. */
  readiness: ColumnType<string | null, string | null | undefined, string | null | undefined>;
  /** JSON `DisruptionPolicy` (migration 0021): roll-out, budgets, lifetime; null: the defaults. */
  disruption: ColumnType<string | null, string | null | undefined, string | null | undefined>;
  /** JSON `PoolHooks` (migration 0022): lifecycle hooks at launch and terminate; null when none. */
  hooks: ColumnType<string | null, string | null | undefined, string | null | undefined>;
  /** When an apply dropped the pool from the file (migration 0009): drained to zero, deleted once empty. */
  removed_at: ColumnType<number | null, number | null | undefined, number | null | undefined>;
}

export interface MachinesTable {
  id: string;
  pool: string;
  provider: string;
  zone: string;
  size: string;
  state: string;
  since: number;
  launched_at: number;
  ready_at: number | null;
  template_version: number;
  intent: string | null;
  replaces: string | null;
  protected: number;
  labels: string;
  /** JSON list of MachineAddress. */
  addresses: string;
}

export interface IntentsTable {
  id: string;
  pool: string;
  zone: string;
  size: string;
  count: number;
  template_version: number;
  created_at: number;
  replaces: string;
  status: string;
  sent_at: number | null;
}

export interface EventsTable {
  id: Generated<number>;
  at: number;
  pool: string;
  machine: string | null;
  reason: string;
  message: string;
  data: ColumnType<string | null, string | null | undefined, never>;
}

/** People signed in through an OpenID provider (migration 0023): only the SHA-256 of the secret is kept. */
export interface SessionsTable {
  id: string;
  hash: string;
  subject: string;
  issuer: string;
  name: string;
  role: string;
  /** JSON: the groups the person had at sign-in. */
  groups: string;
  client: string;
  created_at: number;
  expires_at: number;
}

/** Bearer tokens: only the SHA-256 of the secret is kept. */
export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  created_by: string;
}

/** Append-only: rows are inserted and read, never updated; retention deletes the old ones. */
export interface AuditTable {
  id: Generated<number>;
  at: number;
  actor: string;
  token_id: string;
  role: string;
  action: string;
  pool: string | null;
  /** JSON, secrets redacted before it gets here. */
  params: string;
  status: number;
  result: string;
  source: string;
}

/** A bulk operation; `spec` and `progress` are JSON. `control` is written by the API, the rest by the executor. */
export interface OperationsTable {
  id: string;
  pool: string;
  kind: string;
  status: string;
  control: string;
  spec: string;
  progress: string;
  message: string;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface OperationItemsTable {
  operation: string;
  machine: string;
  seq: number;
  zone: string;
  status: string;
  sent_at: number | null;
  accepted_at: number | null;
  done_at: number | null;
  error: string | null;
  intent: string | null;
  replacement: string | null;
}

/** One row per machine whose agent joined: its last heartbeat. `load` is JSON. */
export interface AgentsTable {
  machine: string;
  pool: string;
  joined_at: number;
  last_at: number;
  busy: number;
  available: number;
  drained: number;
  load: string;
  address: string | null;
  /** Logged-in sessions the agent counts (migration 0008). */
  sessions: ColumnType<number, number | undefined, number | undefined>;
  /** SHA-256 of the agent's credential (migration 0011); null for an agent that joined before it. */
  credential: ColumnType<string | null, string | null | undefined, string | null | undefined>;
  /** JSON `ReadinessResult`: the agent's last readiness check (migration 0018); null when its pool has none. */
  readiness: ColumnType<string | null, string | null | undefined, string | null | undefined>;
}

/** Join tokens kept as hashes only (migration 0011): minted by the API, or a pool's pre-0011 token. */
export interface JoinSecretsTable {
  id: string;
  pool: string;
  hash: string;
  kind: string;
  created_at: number;
  created_by: string;
}

/** Keys launches derive their join tokens from (migration 0011); `agent-join` is the one in use. */
export interface ClusterKeysTable {
  name: string;
  value: string;
  created_at: number;
}

/** A pool's conditions (migration 0010), one row per (pool, type); a row's removal clears it. */
export interface PoolConditionsTable {
  pool: string;
  type: string;
  since: number;
  reason: string;
  message: string;
  until: number | null;
  /** JSON, or null. */
  data: string | null;
}

export interface ProtectionsTable {
  machine: string;
  protected: number;
  at: number;
}

/** Live controllers (migration 0006): a row per controller, kept fresh by its heartbeat. */
export interface MembersTable {
  id: string;
  /** JSON: host, pid, address: what an operator needs to find the process. */
  info: string;
  started_at: number;
  expires_at: number;
}

/** One lease per pool or environment set (migration 0006); `token` only grows. */
export interface LeasesTable {
  name: string;
  holder: string | null;
  token: number;
  acquired_at: number;
  expires_at: number;
}

/** Autoscaling decisions (migration 0003); `detail` is the JSON `ScalingDecision`. Append-only. */
export interface ScalingDecisionsTable {
  id: Generated<number>;
  pool: string;
  at: number;
  current: number;
  desired: number;
  recommendation: number | null;
  dry_run: number;
  held: number;
  summary: string;
  detail: string;
}

/** The latest pushed sample per pool and metric (migration 0024), overwritten by newer ones. */
export interface PushedMetricsTable {
  pool: string;
  metric: string;
  value: number;
  at: number;
  received_at: number;
}

/** Events ever appended, per pool and reason (migration 0012): kept by appends, never lowered by retention. */
export interface EventCountsTable {
  pool: string;
  reason: string;
  count: number;
}

/** One row (migration 0013), rewritten by the readiness probe: see `Store.probeWrite`. */
export interface StoreProbeTable {
  id: number;
  at: number;
}

/** Developer environments (migration 0007; `idle_since` from 0008). JSON columns as text. */
export interface EnvironmentsTable {
  id: string;
  name: string;
  owner: string;
  template: string;
  template_version: number;
  params: string;
  roles: string;
  status: string;
  reason: string | null;
  outputs: string;
  created_at: number;
  ready_at: number | null;
  expires_at: number;
  warned_at: number | null;
  ended_at: number | null;
  idle_since: ColumnType<number | null, number | null | undefined, number | null | undefined>;
  /** JSON list of `EnvStop` (migration 0017); null when it never stopped. */
  stops: ColumnType<string | null, string | null | undefined, string | null | undefined>;
}

/** How far the notification worker has read the events table (migration 0020). */
export interface NotificationCursorTable {
  name: string;
  last_event: number;
}

/** The notification outbox (migration 0020): one row per (event, subscription). */
export interface NotificationDeliveriesTable {
  id: string;
  subscription: string;
  kind: string;
  event: number;
  pool: string;
  /** The JSON sent, fixed at enqueue so every attempt sends the same bytes. */
  body: string;
  status: string;
  attempts: number;
  next_at: number;
  claimed_by: string | null;
  claimed_until: number | null;
  last_error: string | null;
  last_status: number | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

/** One lifecycle hook run on one machine (migration 0022); see `HookRun`. */
export interface HookRunsTable {
  id: string;
  machine: string;
  pool: string;
  transition: string;
  hook: string;
  kind: string;
  cause: string;
  status: string;
  started_at: number;
  deadline: number;
  ended_at: number | null;
  detail: string | null;
  announced: ColumnType<number, number | undefined, number>;
}
