import type { Kysely, Migration } from 'kysely';
import { isPostgres } from './dialect.js';

/** config, templates, pools, machines, intents, events. */
export const foundation: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = isPostgres(db);

    await db.schema
      .createTable('config')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('templates')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('templates_pk', ['name', 'version'])
      .execute();

    await db.schema
      .createTable('pools')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('min', 'integer', (c) => c.notNull())
      .addColumn('max', 'integer', (c) => c.notNull())
      .addColumn('desired', 'integer', (c) => c.notNull())
      .addColumn('file_desired', 'integer', (c) => c.notNull())
      .addColumn('zones', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('max_launching', 'integer', (c) => c.notNull())
      .addColumn('deletion_order', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('machines')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('zone', 'text', (c) => c.notNull())
      .addColumn('size', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('since', 'bigint', (c) => c.notNull())
      .addColumn('launched_at', 'bigint', (c) => c.notNull())
      .addColumn('ready_at', 'bigint')
      .addColumn('template_version', 'integer', (c) => c.notNull())
      .addColumn('intent', 'text')
      .addColumn('replaces', 'text')
      .addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('labels', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('machines_pool').on('machines').column('pool').execute();

    await db.schema
      .createTable('intents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('zone', 'text', (c) => c.notNull())
      .addColumn('size', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('template_version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('replaces', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('intents_pool_status').on('intents').columns(['pool', 'status']).execute();

    await db.schema
      .createTable('events')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('machine', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .execute();
    await db.schema.createIndex('events_pool_id').on('events').columns(['pool', 'id']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['events', 'intents', 'machines', 'pools', 'templates', 'config']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
