import { afterEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import type { LaunchIntent, Machine } from '../domain/types.js';
import { FencedError, poolLease } from './fence.js';
import { KyselyStore } from './kysely-store.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const machine = (id: string): Machine => ({
  id,
  pool: 'web',
  provider: 'sim',
  zone: 'a',
  size: 'm5.large',
  state: 'booting',
  since: 1,
  launchedAt: 1,
  templateVersion: 1,
  protected: false,
  labels: {},
  addresses: [],
});

const intent = (id: string): LaunchIntent => ({ id, pool: 'web', zone: 'a', size: 'm5.large', count: 1, templateVersion: 1, createdAt: 1, replaces: [], status: 'open' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The lease and fencing contract, run on both dialects. */
function leaseContract(open: () => Promise<Store>): void {
  let store: Store;
  afterEach(async () => store?.close());

  it('one holder at a time; renewal keeps the token, a takeover after expiry raises it', async () => {
    store = await open();
    const a = await store.acquireLease(poolLease('web'), 'A', 300);
    expect(a).toEqual({ lease: 'pool:web', holder: 'A', token: 1 });
    expect(await store.acquireLease(poolLease('web'), 'B', 300)).toBeUndefined();
    expect(await store.acquireLease(poolLease('web'), 'A', 300)).toEqual(a);
    await sleep(400);
    const b = await store.acquireLease(poolLease('web'), 'B', 300);
    expect(b?.token).toBe(2);
    expect(await store.holdsLease(a!)).toBe(false);
    expect(await store.holdsLease(b!)).toBe(true);
    const [row] = await store.listLeases();
    expect(row).toMatchObject({ name: 'pool:web', holder: 'B', token: 2, live: true });
  });

  it('a released lease is free at once and its next holder gets a higher token', async () => {
    store = await open();
    const a = (await store.acquireLease('pool:x', 'A', 60_000))!;
    await store.releaseLease(a);
    expect((await store.listLeases())[0]).toMatchObject({ holder: undefined, live: false });
    expect((await store.acquireLease('pool:x', 'B', 60_000))?.token).toBe(2);
  });

  it('a hand-over gives the lease to a live member under a new token, never leaving it free; to a member not live it is released', async () => {
    store = await open();
    await store.heartbeat('B', {}, 60_000);
    const a = (await store.acquireLease('pool:x', 'A', 60_000))!;
    expect(await store.handOverLease(a, 'B', 60_000)).toBe(true);
    expect((await store.listLeases())[0]).toMatchObject({ holder: 'B', token: 2, live: true });
    expect(await store.holdsLease(a)).toBe(false);
    // B's next cycle finds the lease already its own, under the token the hand-over set.
    const b = (await store.acquireLease('pool:x', 'B', 60_000))!;
    expect(b.token).toBe(2);
    // A stale tenure cannot hand anything over, and a member that is gone cannot receive.
    expect(await store.handOverLease(a, 'C', 60_000)).toBe(false);
    expect((await store.listLeases())[0]).toMatchObject({ holder: 'B', token: 2 });
    expect(await store.handOverLease(b, 'C', 60_000)).toBe(false);
    expect((await store.listLeases())[0]).toMatchObject({ holder: undefined, live: false });
  });

  it('a holder that let its lease lapse gets a new token even when nobody took it: its old writes are stale', async () => {
    store = await open();
    const old = (await store.acquireLease('pool:web', 'A', 200))!;
    await sleep(300);
    const again = (await store.acquireLease('pool:web', 'A', 60_000))!;
    expect(again.token).toBe(old.token + 1);
    await expect(store.saveMachines([machine('m-1')], old)).rejects.toBeInstanceOf(FencedError);
    await store.saveMachines([machine('m-1')], again);
    expect(await store.listMachines()).toHaveLength(1);
  });

  it('writes with a stale token are refused and change nothing; current ones go through', async () => {
    store = await open();
    const a = (await store.acquireLease('pool:web', 'A', 200))!;
    await store.createIntent(intent('li-1'), a);
    await sleep(300);
    const b = (await store.acquireLease('pool:web', 'B', 60_000))!;
    await expect(store.createIntent(intent('li-2'), a)).rejects.toBeInstanceOf(FencedError);
    await expect(store.setIntentStatus('li-1', 'done', a)).rejects.toBeInstanceOf(FencedError);
    await expect(store.saveMachines([machine('m-1')], a)).rejects.toBeInstanceOf(FencedError);
    await expect(store.appendEvents([{ at: 1, pool: 'web', reason: 'Launched', message: 'late' }], a)).rejects.toBeInstanceOf(FencedError);
    expect((await store.listIntents()).map((i) => [i.id, i.status])).toEqual([['li-1', 'open']]);
    expect(await store.listMachines()).toEqual([]);
    expect(await store.listEvents()).toEqual([]);
    await store.setIntentStatus('li-1', 'done', b);
    expect((await store.listIntents())[0]?.status).toBe('done');
  });

  it('heartbeats list live members; a member that left or lapsed is gone', async () => {
    store = await open();
    await store.heartbeat('A', { pid: 1 }, 60_000);
    await store.heartbeat('C', {}, 200);
    expect((await store.heartbeat('B', {}, 60_000)).map((m) => m.id)).toEqual(['A', 'B', 'C']);
    await store.leave('A');
    await sleep(300);
    const live = await store.heartbeat('B', {}, 60_000);
    expect(live.map((m) => m.id)).toEqual(['B']);
  });
}

describe('leases on SQLite', () => {
  leaseContract(() => openStore(':memory:'));
});

await serviceSuite(postgresService(), `leases on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  leaseContract(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });

  it('a transaction the server ends (a controller frozen past the idle-in-transaction timeout) fails its caller, and the store keeps working', async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    const store = await openStore(schema.url);
    expect(store).toBeInstanceOf(KyselyStore);
    const db = (store as KyselyStore).kysely;
    try {
      await store.acquireLease(poolLease('web'), 'c1', 10_000);
      // The server ends the connection while it sits idle in this transaction: with no listener on
      // the checked-out client that 'error' event used to kill the whole process.
      const frozen = db.transaction().execute(async (trx) => {
        await trx.selectFrom('leases').select('token').execute();
        await sleep(3_000);
        return trx.selectFrom('leases').select('token').execute();
      });
      await expect(frozen).rejects.toThrow();
      expect((await store.listLeases()).map((l) => l.holder)).toEqual(['c1']);
    } finally {
      await store.close();
    }
  });
});
