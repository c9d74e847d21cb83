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
