import type { Kysely, Migration } from 'kysely';

/**
 * A pool the file no longer lists is not deleted at once (its machines would run on, owned by
 * nobody): it is marked removed, drained to zero by the controller, and deleted once empty.
 */
export const poolRemoval: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').addColumn('removed_at', 'bigint').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').dropColumn('removed_at').execute();
  },
};
