import type { Kysely, Migration } from 'kysely';

/**
 * The notification outbox. `notification_cursor` is the last event id the delivery worker has
 * read (it tails the events table, so the control loop never writes here); one delivery row per
 * (event, subscription), its id fixed by both, so two controllers tailing at once enqueue it once.
 * `claimed_until` is the lease a sender holds while its request is in flight.
 */
export const notifications: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('notification_cursor')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('last_event', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('notification_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subscription', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('event', 'bigint', (c) => c.notNull())
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_at', 'bigint', (c) => c.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('last_status', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .execute();
    await db.schema.createIndex('notification_deliveries_due').on('notification_deliveries').columns(['status', 'next_at']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('notification_deliveries').execute();
    await db.schema.dropTable('notification_cursor').execute();
  },
};
