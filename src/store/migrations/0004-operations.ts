import type { Kysely, Migration } from 'kysely';

/** Bulk operations: one row per operation, one row per machine it works on. */
export const operations: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('operations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('control', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('progress', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema.createIndex('operations_status').on('operations').columns(['status', 'created_at']).execute();

    await db.schema
      .createTable('operation_items')
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('machine', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('zone', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .addColumn('accepted_at', 'bigint')
      .addColumn('done_at', 'bigint')
      .addColumn('error', 'text')
      .addColumn('intent', 'text')
      .addColumn('replacement', 'text')
      .addPrimaryKeyConstraint('operation_items_pk', ['operation', 'machine'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('operation_items').execute();
    await db.schema.dropTable('operations').execute();
  },
};
