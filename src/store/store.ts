import type { EnvironmentSettings } from '../domain/environments/settings.js';
import type { Subscription } from '../domain/notifications.js';
import type { OidcSettings } from '../domain/sign-in.js';
import type { RetentionPolicy } from '../domain/retention.js';
import type { EventReason, FleetEvent, PoolSpec, Template } from '../domain/types.js';
import type { StatementCounts } from './statements.js';
import type {
  AgentsPort,
  AuditPort,
  ConditionsPort,
  ConfigPort,
  DecisionsPort,
  EventsPort,
  HeartbeatsPort,
  IntentsPort,
  LeasesPort,
  MachinesPort,
  OperationsPort,
  PoolsPort,
  ProtectionsPort,
  RetentionPort,
  StoreStatePort,
  TokensPort,
  WithEnvironments,
  WithHookRuns,
  WithNotifications,
  WithSessions,
  WithPushedMetrics,
} from './ports.js';

export type * from './ports.js';

/** What `flotte apply` stores: the validated document plus its pools and templates. */
export interface AppliedConfig {
  /** The YAML as the user wrote it, kept for `flotte config show` and the controller's providers. */
  source: string;
  cluster: string;
  providers: Record<string, unknown>;
  templates: Omit<Template, 'version'>[];
  pools: PoolSpec[];
  /**
   * The sections read while flotte runs, typed by the check at apply and stored with the
   * document, so no reader parses the YAML again. Absent on a config stored by an older flotte
   * (or built by hand in a test): config/applied.ts reads those from `source`.
   */
  settings?: AppliedSettings | undefined;
}

/** The last applied config as stored, for `flotte config show`: no document parsed, only what was applied and when. */
export interface AppliedConfigRecord {
  /** The config row's id: grows at every apply (the built-in demo's at first start included). */
  revision: number;
  /** Epoch ms. */
  appliedAt: number;
  cluster: string;
  /** The YAML exactly as applied. */
  source: string;
}

/** What the environment service and retention read of an applied config, defaults filled in. */
export interface AppliedSettings {
  environments: EnvironmentSettings;
  retention: RetentionPolicy;
  /** Notification subscriptions; absent on configs stored before notifications existed. */
  notifications?: Subscription[] | undefined;
  /** Sign-in through an OpenID provider; null when the config has none, absent on configs stored before it existed. */
  oidc?: OidcSettings | null | undefined;
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
  /** Only events with one of these reasons; an empty list matches none. */
  reasons?: readonly EventReason[] | undefined;
  /** Only events with an id greater than this (cursor for paging and live tails). */
  after?: number | undefined;
  limit?: number | undefined;
  /** The last `limit` matches rather than the first (still oldest first): what a screen shows on arrival. */
  newest?: boolean | undefined;
}

/**
 * flotte's state, behind one interface whatever the database: every port of ports.ts together.
 * Code that needs only some of it takes those ports (e.g. `PoolsPort & EventsPort`), so what it
 * may touch shows in its signature.
 */
export interface Store
  extends ConfigPort,
    PoolsPort,
    MachinesPort,
    IntentsPort,
    EventsPort,
    HeartbeatsPort,
    AgentsPort,
    ProtectionsPort,
    ConditionsPort,
    DecisionsPort,
    LeasesPort,
    TokensPort,
    AuditPort,
    RetentionPort,
    StoreStatePort,
    OperationsPort,
    WithEnvironments,
    WithHookRuns,
    WithNotifications,
    WithSessions,
    WithPushedMetrics {
  readonly dialect: 'sqlite' | 'postgres';
  /** The SQL statements sent since the store opened, by kind (`flotte_store_statements_total`). */
  readonly statements: StatementCounts;
  close(): Promise<void>;
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

/** A join token the store knows by its hash: minted through the API, or a pool's token from before migration 0011. */
export interface JoinSecret {
  id: string;
  pool: string;
  hash: string;
  kind: 'minted' | 'legacy';
  createdAt: number;
  createdBy: string;
}

/** Why and since when the mass-failure brake holds a pool. */
export interface HealingPause {
  at: number;
  reason: string;
  /** The machines the brake counted when it tripped; it releases itself once they recover. Absent on pauses from before 0010. */
  machines?: string[] | undefined;
}
