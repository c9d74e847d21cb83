import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import type { Operation, OperationItem } from '../domain/operations/types.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const T0 = 1_700_000_000_000;

const op = (id: string, over: Partial<Operation> = {}): Operation => ({
  id,
  kind: 'restart',
  pool: 'web',
  strategy: { kind: 'rolling', maxUnavailable: { percent: 20 } },
  hard: false,
  status: 'running',
  control: 'run',
  progress: { phase: 'main', checkpointsPassed: [], api: { calls: 0, throttled: 0 }, poolSize: 600 },
  message: 'started',
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

const items = (id: string, n: number): OperationItem[] =>
  Array.from({ length: n }, (_, i) => ({ operation: id, machine: `m-${String(i).padStart(4, '0')}`, seq: i, zone: i % 2 ? 'a' : 'b', status: 'pending' }));

function operationsContract(open: () => Promise<Store>): void {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  it('stores an operation with 600 items and reads them back in start order', async () => {
    await store.createOperation(op('op-1'), items('op-1', 600));
    expect(await store.getOperation('op-1')).toEqual(op('op-1'));
    const back = await store.listOperationItems('op-1');
    expect(back).toHaveLength(600);
    expect(back[0]).toEqual(items('op-1', 1)[0]);
    expect(await store.getOperation('nope')).toBeUndefined();
  });

  it('updates items and the operation, but never overwrites control from the executor side', async () => {
    await store.createOperation(op('op-1'), items('op-1', 3));
    await store.setOperationControl('op-1', 'pause', T0 + 5);
    await store.updateOperation(op('op-1', { status: 'running', message: 'step', progress: { ...op('op-1').progress, api: { calls: 3, throttled: 1 } } }));
    const got = (await store.getOperation('op-1'))!;
    expect(got.control).toBe('pause');
    expect(got.progress.api).toEqual({ calls: 3, throttled: 1 });
    const [a, b] = await store.listOperationItems('op-1');
    await store.saveOperationItems([{ ...a!, status: 'done', sentAt: T0, acceptedAt: T0 + 10, doneAt: T0 + 40_010 }, { ...b!, status: 'failed', error: 'gone' }]);
    const after = await store.listOperationItems('op-1');
    expect(after.map((i) => i.status)).toEqual(['done', 'failed', 'pending']);
    expect(after[1]!.error).toBe('gone');
    expect(await store.operationItemDurations('web', 'restart', 10)).toEqual([40_000]);
  });

  it('lists newest first, by pool and active only', async () => {
    await store.createOperation(op('op-1', { status: 'succeeded', finishedAt: T0 + 1 }), []);
    await store.createOperation(op('op-2', { createdAt: T0 + 2, pool: 'db' }), []);
    expect((await store.listOperations()).map((o) => o.id)).toEqual(['op-2', 'op-1']);
    expect((await store.listOperations({ active: true })).map((o) => o.id)).toEqual(['op-2']);
    expect((await store.listOperations({ pool: 'web' })).map((o) => o.id)).toEqual(['op-1']);
  });
}

describe('operations store on SQLite', () => operationsContract(() => openStore(':memory:')));

await serviceSuite(postgresService(), `operations store on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  operationsContract(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });
});
