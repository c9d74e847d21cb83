import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Retention (issue 15): old events and decisions are deleted by age, so each gets an index on
 * its time (audit has one). Events are counted per pool and reason in a table of their own,
 * kept in step by every append: `/metrics` reads a handful of rows instead of counting the
 * whole history, and its counters do not fall when old events are pruned.
 */
export const retention: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('events_at').on('events').column('at').execute();
    await db.schema.createIndex('scaling_decisions_at').on('scaling_decisions').column('at').execute();
    await db.schema
      .createTable('event_counts')
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('event_counts_pk', ['pool', 'reason'])
      .execute();
    await sql`insert into event_counts (pool, reason, count) select pool, reason, count(*) from events group by pool, reason`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('event_counts').execute();
    await db.schema.dropIndex('scaling_decisions_at').execute();
    await db.schema.dropIndex('events_at').execute();
  },
};
