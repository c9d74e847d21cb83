import type { Kysely, Migration } from 'kysely';

/**
 * Idle stop and wake of environments: a pool may be suspended (its machines stopped, none
 * replaced), an environment remembers since when its agents have all looked idle, so the
 * idle window survives a controller restart, and agents report logged-in sessions.
 */
export const envIdleStop: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').addColumn('suspended', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('environments').addColumn('idle_since', 'bigint').execute();
    await db.schema.alterTable('agents').addColumn('sessions', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('agents').dropColumn('sessions').execute();
    await db.schema.alterTable('environments').dropColumn('idle_since').execute();
    await db.schema.alterTable('pools').dropColumn('suspended').execute();
  },
};
