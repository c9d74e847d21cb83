import type { Kysely, Migration } from 'kysely';

/**
 * Controllers sharing the work: `members` is the heartbeat table (who is alive), `leases`
 * holds one time-bound lease per pool (or environment set) with a fencing token that only
 * ever grows, so a write stamped with an older token can be refused by the database.
 * Times are epoch ms of the database's own clock, so controllers' clocks never need to agree.
 */
export const leases: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('members')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('info', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      // null once released: the row stays so the next holder's token continues the sequence.
      .addColumn('holder', 'text')
      .addColumn('token', 'bigint', (c) => c.notNull())
      .addColumn('acquired_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('leases').execute();
    await db.schema.dropTable('members').execute();
  },
};
