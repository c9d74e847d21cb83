import type { Kysely, Migration } from 'kysely';

/**
 * When a launch intent's call last went out: a restarted controller waits out the cloud's list
 * grace from that time, not from its own start, and sends an intent never sent at once. Null on
 * older rows, which keep the old, cautious wait.
 */
export const intentSentAt: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('intents').addColumn('sent_at', 'bigint').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('intents').dropColumn('sent_at').execute();
  },
};
