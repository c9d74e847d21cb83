import { sql, type Kysely, type Migration } from 'kysely';
import { secretHash } from '../agent-secrets.js';

/**
 * Join tokens are no longer kept usable (docs/design/0011-agent-secrets.md): launches derive
 * theirs from a cluster key, minted ones are kept as hashes, and each joined agent gets its own
 * credential, kept as a hash on its row. A pool's old plaintext token becomes a `legacy` hash,
 * so machines whose user-data carries it can still join, and the plaintext is dropped.
 */
export const agentSecrets: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('join_secrets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('pool', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('cluster_keys')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    // Null for agents that joined before this migration: they report with the legacy pool token.
    await db.schema.alterTable('agents').addColumn('credential', 'text').execute();

    const old = await sql<{ pool: string; token: string; created_at: number | string }>`select pool, token, created_at from join_tokens`.execute(db);
    for (const row of old.rows) {
      await sql`insert into join_secrets (id, pool, hash, kind, created_at, created_by) values (${`js-legacy-${row.pool}`}, ${row.pool}, ${secretHash(row.token)}, 'legacy', ${Number(row.created_at)}, 'migration 0011')`.execute(db);
    }
    // Deleted before the drop: SQLite (secure_delete) then zeroes them in their page, where a drop would only free the page.
    await sql`delete from join_tokens`.execute(db);
    await db.schema.dropTable('join_tokens').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    // The plaintext tokens cannot come back: an older flotte mints new ones on first use.
    await db.schema
      .createTable('join_tokens')
      .addColumn('pool', 'text', (c) => c.primaryKey())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('agents').dropColumn('credential').execute();
    await db.schema.dropTable('cluster_keys').execute();
    await db.schema.dropTable('join_secrets').execute();
  },
};
