import type { FleetEvent, LaunchIntent, Machine, PoolSpec, Template } from '../domain/types.js';

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

  /** The latest version when `version` is omitted. */
  getTemplate(name: string, version?: number): Promise<Template | undefined>;

  /** Machines of one pool (or all), without `gone` ones unless asked. */
  listMachines(query?: { pool?: string; includeGone?: boolean }): Promise<Machine[]>;
  getMachine(id: string): Promise<Machine | undefined>;
  /** Inserts or replaces machines by id, in one transaction. */
  saveMachines(machines: readonly Machine[]): Promise<void>;

  createIntent(intent: LaunchIntent): Promise<void>;
  listIntents(query?: { pool?: string; status?: LaunchIntent['status'] }): Promise<LaunchIntent[]>;
  setIntentStatus(id: string, status: LaunchIntent['status']): Promise<void>;

  /** Appends events in order and returns them with their ids. Events are never updated. */
  appendEvents(events: readonly Omit<FleetEvent, 'id'>[]): Promise<FleetEvent[]>;
  /** Events in id order. */
  listEvents(query?: EventQuery): Promise<FleetEvent[]>;

  close(): Promise<void>;
}
