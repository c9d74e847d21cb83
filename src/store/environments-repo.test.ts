import { afterEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import { envPoolName, type Environment } from '../domain/environments/types.js';
import type { PoolSpec } from '../domain/types.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const env = (id: string, owner = 'alice'): Environment => ({
  id,
  name: `env-${id}`,
  owner,
  template: 'stack',
  templateVersion: 1,
  params: {},
  roles: [{ name: 'web', pool: envPoolName(id, 'web'), template: 'small', count: 2, readyTimeoutMs: 60_000 }],
  status: 'creating',
  outputs: {},
  createdAt: 1_000,
  expiresAt: 100_000,
});

const poolOf = (e: Environment): PoolSpec => ({ name: e.roles[0]!.pool, provider: 'sim', template: 'small', min: 0, max: 2, desired: 2, zones: [], labels: {}, maxLaunching: 2, deletionOrder: 'oldest-first' });

/** The environments port and the pools it owns, on both dialects. */
function environmentsContract(open: () => Promise<Store>): void {
  let store: Store;
  afterEach(async () => store?.close());

  it('keeps a role pool’s user-data and readiness check, and the role’s check in the environment', async () => {
    store = await open();
    const ready = { kind: 'http' as const, target: 'http://127.0.0.1:8080/health', timeoutMs: 5_000, intervalMs: 2_000 };
    const e = env('e9');
    e.roles[0]!.ready = ready;
    const pool: PoolSpec = { ...poolOf(e), userData: '#!/bin/sh\necho web of e9\n', readiness: ready };
    await store.environments.create(e, [pool], 2_000);
    expect(await store.getPool(pool.name)).toEqual({ ...pool, keepStopped: true });
    expect((await store.environments.get('e9'))?.roles[0]?.ready).toEqual(ready);
  });

  it('keeps an environment’s stops (migration 0017), and none for one that never stopped', async () => {
    store = await open();
    const e = env('e8');
    await store.environments.create(e, [poolOf(e)], 2_000);
    expect((await store.environments.get('e8'))?.stops).toBeUndefined();
    const stops = [
      { from: 1_792_692_000_000, to: 1_792_736_400_000, by: 'schedule' as const },
      { from: 1_792_778_400_000, by: 'owner' as const, destroyAt: 1_793_124_000_000, warnedAt: 1_793_037_600_000 },
    ];
    expect(await store.environments.updateSuspending({ ...e, status: 'stopped', stops }, 'creating', true)).toBe(true);
    expect((await store.environments.get('e8'))?.stops).toEqual(stops);
  });

  it('makes an environment with its pools, suspends and resumes them with its status, scales them to zero and deletes them', async () => {
    store = await open();
    const e = env('e1');
    await store.environments.create(e, [poolOf(e)], 2_000);
    expect(await store.environments.get('e1')).toEqual(e);
    expect((await store.getPool(e.roles[0]!.pool))?.desired).toBe(2);

    expect(await store.environments.updateSuspending({ ...e, status: 'stopped' }, 'ready', true)).toBe(false);
    expect(await store.environments.updateSuspending({ ...e, status: 'stopped' }, 'creating', true)).toBe(true);
    expect((await store.getPool(e.roles[0]!.pool))?.suspended).toBe(true);
    await store.environments.suspend([e.roles[0]!.pool], false);
    expect((await store.getPool(e.roles[0]!.pool))?.suspended).toBeFalsy();

    await store.environments.release([e.roles[0]!.pool]);
    expect((await store.getPool(e.roles[0]!.pool))?.desired).toBe(0);
    await store.environments.deletePools([e.roles[0]!.pool]);
    expect(await store.getPool(e.roles[0]!.pool)).toBeUndefined();
    expect((await store.environments.list()).map((x) => x.id)).toEqual(['e1']);
  });

  it('an admission writes the environment and its pools in its transaction, or nothing when it throws', async () => {
    store = await open();
    const e = env('e2');
    await expect(
      store.environments.admit(async (repo) => {
        await repo.create(e, [poolOf(e)], 2_000);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await store.environments.get('e2')).toBeUndefined();
    expect(await store.getPool(e.roles[0]!.pool)).toBeUndefined();

    await store.environments.admit((repo) => repo.create(e, [poolOf(e)], 2_000));
    expect(await store.environments.get('e2')).toBeDefined();
    expect(await store.getPool(e.roles[0]!.pool)).toBeDefined();
  });

  it('admissions run one at a time: each sees what the one before it wrote', async () => {
    store = await open();
    const counts = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        store.environments.admit(async (repo) => {
          const before = (await repo.list({ owner: 'alice' })).length;
          await repo.create(env(id), [poolOf(env(id))], 2_000);
          return before;
        }),
      ),
    );
    expect([...counts].sort()).toEqual([0, 1, 2]);
  });
}

describe('environments on SQLite', () => {
  environmentsContract(() => openStore(':memory:'));
});

await serviceSuite(postgresService(), `environments on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  environmentsContract(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });
});
