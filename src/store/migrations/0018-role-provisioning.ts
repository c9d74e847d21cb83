import type { Kysely, Migration } from 'kysely';

/**
 * Provisioning per environment role: a pool carries its role's rendered user-data (booted beside
 * the agent's) and readiness check (JSON, handed to its agents), and an agent's row keeps the
 * last result of that check as its heartbeat reported it (JSON).
 */
export const roleProvisioning: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').addColumn('user_data', 'text').execute();
    await db.schema.alterTable('pools').addColumn('readiness', 'text').execute();
    await db.schema.alterTable('agents').addColumn('readiness', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('agents').dropColumn('readiness').execute();
    await db.schema.alterTable('pools').dropColumn('readiness').execute();
    await db.schema.alterTable('pools').dropColumn('user_data').execute();
  },
};
