import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A machine's addresses as its provider reports them (JSON list of `{kind, value, network?}`),
 * so `flotte machines`, the API and environment outputs can say where to connect. Rows written
 * before it have none until the next tick lists their machines.
 */
export const machineAddresses: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('machines').addColumn('addresses', 'text', (c) => c.notNull().defaultTo(sql.lit('[]'))).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('machines').dropColumn('addresses').execute();
  },
};
