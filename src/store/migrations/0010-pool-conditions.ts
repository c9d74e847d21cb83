import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Pool conditions (healing paused, provider unavailable, autoscaling paused, blast-radius hold)
 * in one table, so an API process sees what a controller decided. The brake's pauses move in.
 */
export const poolConditions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('pool_conditions')
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('since', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('until', 'bigint')
      .addColumn('data', 'text')
      .addPrimaryKeyConstraint('pool_conditions_pk', ['pool', 'type'])
      .execute();
    await sql`insert into pool_conditions (pool, type, since, reason, message) select pool, 'HealingPaused', at, 'MassFailure', reason from healing_pauses`.execute(db);
    await db.schema.dropTable('healing_pauses').execute();
    // The blast-radius guard: the pool's share per interval, and the size an explicit allowance was given for.
    await db.schema.alterTable('pools').addColumn('blast_radius', 'real').execute();
    await db.schema.alterTable('pools').addColumn('destroy_allowed_to', 'integer').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').dropColumn('destroy_allowed_to').execute();
    await db.schema.alterTable('pools').dropColumn('blast_radius').execute();
    await db.schema
      .createTable('healing_pauses')
      .addColumn('pool', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into healing_pauses (pool, at, reason) select pool, since, message from pool_conditions where type = 'HealingPaused'`.execute(db);
    await db.schema.dropTable('pool_conditions').execute();
  },
};
