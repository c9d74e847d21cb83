import type { Kysely, Migration } from 'kysely';

/**
 * Retention of the notification outbox: deliveries that are settled (delivered or dead) are
 * deleted by the time of their last change, found through this index one status at a time.
 */
export const deliveryRetention: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('notification_deliveries_settled').on('notification_deliveries').columns(['status', 'updated_at']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('notification_deliveries_settled').execute();
  },
};
