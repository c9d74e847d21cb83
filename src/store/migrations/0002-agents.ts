import type { Kysely, Migration } from 'kysely';

/** Agent heartbeats, per-pool join tokens, healing pauses, machine protection, and pools' health policy. */
export const agents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('agents')
      .addColumn('machine', 'text', (c) => c.primaryKey())
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'bigint', (c) => c.notNull())
      .addColumn('last_at', 'bigint', (c) => c.notNull())
      .addColumn('busy', 'integer', (c) => c.notNull())
      .addColumn('available', 'integer', (c) => c.notNull())
      .addColumn('drained', 'integer', (c) => c.notNull())
      .addColumn('load', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .execute();

    await db.schema
      .createTable('join_tokens')
      .addColumn('pool', 'text', (c) => c.primaryKey())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('healing_pauses')
      .addColumn('pool', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .execute();

    // Written by the API, folded into the machine by the controller (the machines' only writer).
    await db.schema
      .createTable('protections')
      .addColumn('machine', 'text', (c) => c.primaryKey())
      .addColumn('protected', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema.alterTable('pools').addColumn('health', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').dropColumn('health').execute();
    for (const table of ['protections', 'healing_pauses', 'join_tokens', 'agents']) await db.schema.dropTable(table).execute();
  },
};
