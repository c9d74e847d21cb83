import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite, type PgSchema } from '../../test/support/services.js';
import type { KyselyStore } from './kysely-store.js';
import { openStore } from './open-store.js';

await serviceSuite(postgresService(), `a store reads only its own schema (${postgresUrl()})`, () => {
  let schema: PgSchema;
  let store: KyselyStore;
  let admin: pg.Client;
  const other = `flotte_other_${randomBytes(5).toString('hex')}`;
  beforeEach(async () => {
    schema = freshPgSchema();
    store = (await openStore(schema.url)) as KyselyStore;
    admin = new pg.Client({ connectionString: postgresUrl() });
    await admin.connect();
    await admin.query(`create schema "${other}"; create table "${other}".jobs (id bigserial primary key)`);
  });
  afterEach(async () => {
    await admin.query(`drop schema if exists "${other}" cascade`);
    await admin.end();
    await store.close();
    await schema.drop();
  });

  it('another schema dropped on the same server while the store reads its tables (as every open does to migrate) does not fail the read', async () => {
    // A snapshot taken before the drop still lists the other schema: a read that looked it up by name would fail with "schema … does not exist".
    const tables = await store.kysely.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await admin.query(`drop schema "${other}" cascade`);
      return trx.introspection.getTables({ withInternalKyselyTables: true });
    });
    expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([schema.schema]));
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['events', 'kysely_migration', 'kysely_migration_lock']));
    expect(tables.map((t) => t.name)).not.toContain('jobs');
  });

  it("describes the store's tables as Kysely's migrator and tools expect, its own bookkeeping only when asked", async () => {
    const tables = await store.kysely.introspection.getTables();
    expect(tables.map((t) => t.name)).not.toContain('kysely_migration');
    const events = tables.find((t) => t.name === 'events')!;
    expect(events).toMatchObject({ schema: schema.schema, isView: false });
    expect(events.columns.find((c) => c.name === 'id')).toMatchObject({ dataType: 'int8', isAutoIncrementing: true, isNullable: false, hasDefaultValue: true });
    expect(events.columns.find((c) => c.name === 'machine')).toMatchObject({ dataType: 'text', isAutoIncrementing: false, isNullable: true, hasDefaultValue: false });
    // A reopen finds its migrations applied in its own schema and does not apply them again.
    await store.close();
    store = (await openStore(schema.url)) as KyselyStore;
    expect((await store.kysely.introspection.getTables()).map((t) => t.name).sort()).toEqual(tables.map((t) => t.name).sort());
  });
});
