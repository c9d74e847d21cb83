import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import type { Machine, PoolSpec } from '../domain/types.js';
import type { KyselyStore } from './kysely-store.js';
import { openStore } from './open-store.js';
import type { AppliedConfig, Store } from './store.js';
import { STATEMENT_KINDS, type StatementKind } from './statements.js';

const T0 = 1_700_000_000_000;
const pool: PoolSpec = { name: 'web', provider: 'sim', template: 'web', min: 0, max: 10, desired: 1, zones: ['a'], labels: {}, maxLaunching: 5, deletionOrder: 'oldest-first' };
const config: AppliedConfig = { source: 'cluster: demo\n', cluster: 'demo', providers: { sim: {} }, templates: [{ name: 'web', provider: 'sim', image: 'img-1', sizes: ['m5.large'], zones: ['a'], tags: {} }], pools: [pool] };
const machine = (i: number): Machine => ({ id: `m-${i}`, pool: 'web', provider: 'sim', zone: 'a', size: 'm5.large', state: 'ready', since: T0 + i, launchedAt: T0, readyAt: T0 + 1_000, templateVersion: 1, protected: false, labels: {}, addresses: [] });

/** The statements `work` sent, by kind, leaving out the kinds it sent none of. */
async function sent(store: Store, work: () => Promise<unknown>): Promise<Partial<Record<StatementKind, number>>> {
  const before = store.statements.snapshot();
  await work();
  const after = store.statements.snapshot();
  return Object.fromEntries(STATEMENT_KINDS.map((k) => [k, after[k] - before[k]] as const).filter(([, n]) => n > 0));
}

function statementContract(open: () => Promise<Store>): void {
  let store: Store | undefined;
  afterEach(async () => store?.close());

  it('counts each statement the store sends by kind, begin and commit included', async () => {
    store = await open();
    // Opening ran the migrations: their statements count too.
    expect(Object.values(store.statements.snapshot()).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await store.applyConfig(config, T0);
    // Three machines are one multi-row upsert, in a transaction of its own.
    expect(await sent(store, () => store!.saveMachines([machine(1), machine(2), machine(3)]))).toEqual({ insert: 1, transaction: 2 });
    expect(await sent(store, () => store!.getPool('web'))).toEqual({ select: 1 });
    expect(await sent(store, () => store!.listMachines())).toEqual({ select: 1 });
    // A desired-size change reads and writes the pool and records its event and the new revision, as one transaction.
    const change = await sent(store, () => store!.changeDesired('web', 3, (from) => ({ at: T0, pool: 'web', reason: 'DesiredChanged', message: `desired ${from} → 3`, data: { from, to: 3 } })));
    expect(change).toEqual({ select: 2, insert: 2, update: 2, transaction: 2 });
  });

  it('counts raw SQL by its first word, a statement that fails, and the rollback after it', async () => {
    store = await open();
    const db = (store as KyselyStore).kysely;
    expect(await sent(store, () => sql`select 1 as one`.execute(db))).toEqual({ select: 1 });
    const failed = await sent(store, () =>
      db.transaction().execute(async (trx) => {
        await trx.selectFrom('pools').select('name').execute();
        await sql`delete from no_such_table`.execute(trx);
      }).catch(() => undefined));
    expect(failed).toEqual({ select: 1, delete: 1, transaction: 2 });
  });
}

describe('statement counts on SQLite', () => {
  statementContract(() => openStore(':memory:'));
});

await serviceSuite(postgresService(), `statement counts on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  statementContract(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });
});
