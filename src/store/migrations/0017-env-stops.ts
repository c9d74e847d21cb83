import type { Kysely, Migration } from 'kysely';

/**
 * An environment's stops (JSON list of `EnvStop`: from, to, by whom, dormancy's due time and
 * warning): what schedules wake and dormancy counts from, and what usage prices as stopped
 * time. Kept on the row, not read back from events, which retention deletes within weeks.
 */
export const envStops: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('environments').addColumn('stops', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('environments').dropColumn('stops').execute();
  },
};
