import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Gone machines stay as history, and outnumber the live ones in any pool that churns: every
 * tick's `state <> 'gone'` read scanned them all. Partial indexes over the live rows alone
 * keeps that read proportional to the fleet, not to its past.
 */
export const liveMachines: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One for the whole fleet in id order (the controller's start, the API's list), one per pool.
    await db.schema.createIndex('machines_live').on('machines').column('id').where(sql.ref('state'), '<>', sql.lit('gone')).execute();
    await db.schema.createIndex('machines_live_pool').on('machines').columns(['pool', 'id']).where(sql.ref('state'), '<>', sql.lit('gone')).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('machines_live_pool').execute();
    await db.schema.dropIndex('machines_live').execute();
  },
};
