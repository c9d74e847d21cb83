import type { Kysely, Migration } from 'kysely';

/** A pool's roll-out, disruption budgets and lifetime, as JSON; null: the defaults. */
export const poolDisruption: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').addColumn('disruption', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').dropColumn('disruption').execute();
  },
};
