import type { Kysely, Migration } from 'kysely';

/**
 * One row that `/readyz` rewrites to learn whether the store still takes writes: a read
 * answers from a full disk, a read-only file or a demoted primary just as well as from a sound
 * one, so only a committed write tells.
 */
export const storeProbe: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('store_probe')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('store_probe').execute();
  },
};
