import type { Kysely, Migration } from 'kysely';
import { isPostgres } from './dialect.js';

/** Pools' autoscaling spec (JSON), and every autoscaling decision with its explanation. */
export const scaling: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = isPostgres(db);
    await db.schema.alterTable('pools').addColumn('scaling', 'text').execute();
    await db.schema
      .createTable('scaling_decisions')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('current', 'integer', (c) => c.notNull())
      .addColumn('desired', 'integer', (c) => c.notNull())
      .addColumn('recommendation', 'integer')
      .addColumn('dry_run', 'integer', (c) => c.notNull())
      .addColumn('held', 'integer', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('scaling_decisions_pool_id').on('scaling_decisions').columns(['pool', 'id']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('scaling_decisions').execute();
    await db.schema.alterTable('pools').dropColumn('scaling').execute();
  },
};
