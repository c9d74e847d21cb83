import type { Kysely, Migration } from 'kysely';

/**
 * Lifecycle hooks: each pool's `hooks` as JSON (null: none), and one row per hook run on a
 * machine, written when the run starts and when it ends, so a restarted controller neither
 * loses a run nor runs a passed hook again. Rows live while their machine is in transition:
 * launch rows go once the machine is ready, all of a machine's rows once it is gone.
 */
export const lifecycleHooks: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pools').addColumn('hooks', 'text').execute();
    await db.schema
      .createTable('hook_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('machine', 'text', (c) => c.notNull())
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('transition', 'text', (c) => c.notNull())
      .addColumn('hook', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('deadline', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('detail', 'text')
      .addColumn('announced', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('hook_runs_pool').on('hook_runs').column('pool').execute();
    await db.schema.createIndex('hook_runs_machine').on('hook_runs').column('machine').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('hook_runs').execute();
    await db.schema.alterTable('pools').dropColumn('hooks').execute();
  },
};
