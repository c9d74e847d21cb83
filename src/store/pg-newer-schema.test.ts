import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite, type PgSchema } from '../../test/support/services.js';
import { openStore } from './open-store.js';

await serviceSuite(postgresService(), `an older flotte on a PostgreSQL store a newer one migrated (${postgresUrl()})`, () => {
  let schema: PgSchema | undefined;
  afterEach(async () => {
    await schema?.drop();
    schema = undefined;
  });

  it('is refused in words that say what happened and what to do, exit 1, the store left as it was', async () => {
    schema = freshPgSchema();
    await (await openStore(schema.url)).close();
    const admin = new pg.Client({ connectionString: postgresUrl() });
    await admin.connect();
    try {
      await admin.query(`insert into "${schema.schema}".kysely_migration (name, timestamp) values ('9999-from-the-future', '2026-12-07T19:40:00.000Z')`);
      const e = await openStore(schema.url).then(
        () => new Error('opened') as Error & { exitCode?: number },
        (err: unknown) => err as Error & { exitCode?: number },
      );
      const where = new URL(postgresUrl());
      expect(e.message).toBe(`the PostgreSQL store ${where.host}${where.pathname} (schema ${schema.schema}) was written by a newer flotte (schema 9999-from-the-future unknown to this version): run that version, or restore a backup this version wrote (docs/backup-and-restore.md)`);
      expect(e.exitCode).toBe(1);
      const rows = await admin.query(`select name from "${schema.schema}".kysely_migration where name = '9999-from-the-future'`);
      expect(rows.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
  });
});
