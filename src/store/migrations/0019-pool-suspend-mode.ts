import type { Kysely, Migration } from 'kysely';

/** How a suspended pool rests: `shelve` where the environment's template asks it; null stops. */
export const poolSuspendMode: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').addColumn('suspend_mode', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').dropColumn('suspend_mode').execute();
  },
};
