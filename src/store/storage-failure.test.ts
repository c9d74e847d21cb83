import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import { isStorageFailure } from './storage-failure.js';

const caught = async (work: () => unknown): Promise<unknown> => {
  try {
    await work();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
};

describe('storage failures as SQLite raises them', () => {
  it('a write to a read-only store is a storage failure; a broken constraint is the request\'s fault', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flotte-fail-')), 'state.db');
    const rw = new SQLite(file);
    rw.exec('create table t (id integer primary key)');
    rw.exec('insert into t values (1)');
    expect(isStorageFailure(await caught(() => rw.exec('insert into t values (1)')))).toBe(false);
    rw.close();
    const ro = new SQLite(file, { readonly: true });
    const e = await caught(() => ro.exec('insert into t values (2)'));
    expect((e as { code: string }).code).toBe('SQLITE_READONLY');
    expect(isStorageFailure(e)).toBe(true);
    ro.close();
  });
});

await serviceSuite(postgresService(), `storage failures as PostgreSQL raises them (${postgresUrl()})`, () => {
  it('a write on a read-only server (as after a failover to a standby) or a refused connection is a storage failure; bad input is not', async () => {
    const client = new pg.Client({ connectionString: postgresUrl() });
    await client.connect();
    try {
      await client.query('begin read only');
      const readOnly = await caught(() => client.query('create temporary table flotte_probe_test (id int)'));
      await client.query('rollback');
      expect((readOnly as { code: string }).code).toBe('25006');
      expect(isStorageFailure(readOnly)).toBe(true);
      expect(isStorageFailure(await caught(() => client.query("select 'x'::int")))).toBe(false);
    } finally {
      await client.end();
    }
    const refused = await caught(async () => {
      const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/test' });
      await c.connect();
    });
    expect(isStorageFailure(refused)).toBe(true);
  });
});
