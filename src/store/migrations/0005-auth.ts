import type { Kysely, Migration } from 'kysely';
import { isPostgres } from './dialect.js';

/** API tokens (hashes only) and the append-only audit log. */
export const auth: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = isPostgres(db);

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('token_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('pool', 'text')
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_pool_id').on('audit').columns(['pool', 'id']).execute();
    await db.schema.createIndex('audit_at').on('audit').column('at').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('audit').execute();
    await db.schema.dropTable('api_tokens').execute();
  },
};
