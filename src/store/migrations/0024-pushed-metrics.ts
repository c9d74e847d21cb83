import type { Kysely, Migration } from 'kysely';
import { isPostgres } from './dialect.js';

/**
 * The latest sample of each pushed metric (`{ type: push }`), one row per pool and metric,
 * overwritten by newer pushes: the API writes it, the controller owning the pool reads it.
 */
export const pushedMetrics: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('pushed_metrics')
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      // SQLite's real is already 8 bytes; PostgreSQL's is 4.
      .addColumn('value', isPostgres(db) ? 'double precision' : 'real', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('pushed_metrics_pk', ['pool', 'metric'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('pushed_metrics').execute();
  },
};
