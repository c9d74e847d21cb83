import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/process.js';
import type { Database } from '../store/database.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import { openStore } from '../store/open-store.js';

// Moved from retention.test.ts (which passed 200 lines): the event totals that pruning leaves intact.
const NOW = Date.UTC(2026, 11, 6, 9, 0);
const DAY = 24 * 3_600_000;

describe('event totals across the upgrade to migration 0012', () => {
  it('a store with history from before keeps counting from what it had', async () => {
    const file = join(tempDir('flotte-0012-'), 'state.db');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
    const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '0012'));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    expect(error).toBeUndefined();
    await db
      .insertInto('events')
      .values([
        { at: NOW - DAY, pool: 'analysis', reason: 'Launched', message: 'launched m-1' },
        { at: NOW - DAY + 1, pool: 'analysis', reason: 'Launched', message: 'launched m-2' },
        { at: NOW - DAY + 2, pool: 'batch', reason: 'Died', message: 'm-3 died' },
      ])
      .execute();
    await db.destroy();

    const store = await openStore(file);
    try {
      await store.appendEvents([{ at: NOW, pool: 'analysis', reason: 'Launched', message: 'launched m-4' }]);
      expect(await store.eventCounts()).toEqual([
        { pool: 'analysis', reason: 'Launched', count: 3 },
        { pool: 'batch', reason: 'Died', count: 1 },
      ]);
    } finally {
      await store.close();
    }
  });
});
