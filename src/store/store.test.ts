import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import type { Machine, PoolSpec, Template } from '../domain/types.js';
import { openStore } from './open-store.js';
import type { AppliedConfig, Store } from './store.js';

const T0 = 1_700_000_000_000;

const template = (over: Partial<Template> = {}): Omit<Template, 'version'> => ({
  name: 'web',
  provider: 'sim',
  image: 'img-1',
  sizes: ['m5.large', 'm5.xlarge'],
  zones: ['a', 'b'],
  tags: { team: 'core' },
  ...over,
});

const pool = (over: Partial<PoolSpec> = {}): PoolSpec => ({
  name: 'web',
  provider: 'sim',
  template: 'web',
  min: 1,
  max: 20,
  desired: 3,
  zones: ['a', 'b'],
  labels: { tier: 'front' },
  maxLaunching: 5,
  deletionOrder: 'oldest-first',
  ...over,
});

const config = (over: Partial<AppliedConfig> = {}): AppliedConfig => ({
  source: 'cluster: demo\n',
  cluster: 'demo',
  providers: { sim: { seed: 1 } },
  templates: [template()],
  pools: [pool()],
  ...over,
});

const machine = (i: number, over: Partial<Machine> = {}): Machine => ({
  id: `m-${String(i).padStart(6, '0')}`,
  pool: 'web',
  provider: 'sim',
  zone: i % 2 ? 'a' : 'b',
  size: 'm5.large',
  state: 'ready',
  since: T0 + i,
  launchedAt: T0,
  readyAt: T0 + 1000,
  templateVersion: 1,
  protected: false,
  labels: { n: String(i) },
  addresses: [{ kind: 'private', value: `10.0.0.${i % 250}` }, { kind: 'floating', value: `172.24.4.${i % 250}`, network: 'public' }],
  ...over,
});

/** The one suite body; each dialect supplies a way to open a fresh, empty store. */
function storeContract(open: () => Promise<Store>): void {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps each applied YAML with its revision and time; the record is the newest', async () => {
    expect(await store.appliedConfigRecord()).toBeUndefined();
    await store.applyConfig(config({ source: '# first\ncluster: demo\n' }), T0);
    const first = (await store.appliedConfigRecord())!;
    expect(first).toEqual({ revision: expect.any(Number), appliedAt: T0, cluster: 'demo', source: '# first\ncluster: demo\n' });
    await store.applyConfig(config({ source: '# second\ncluster: demo\n' }), T0 + 5_000);
    const second = (await store.appliedConfigRecord())!;
    expect(second).toMatchObject({ appliedAt: T0 + 5_000, source: '# second\ncluster: demo\n' });
    // Numbers on both dialects (PostgreSQL answers bigint and bigserial as strings).
    expect(typeof second.revision).toBe('number');
    expect(second.revision).toBeGreaterThan(first.revision);
  });

  it('stores an applied config, its pools and its templates', async () => {
    expect(await store.currentConfig()).toBeUndefined();
    const pools = await store.applyConfig(config(), T0);
    expect(pools).toEqual([pool()]);
    expect(await store.currentConfig()).toEqual(config());
    expect(await store.listPools()).toEqual([pool()]);
    expect(await store.getPool('web')).toEqual(pool());
    expect(await store.getPool('nope')).toBeUndefined();
    expect(await store.getTemplate('web')).toEqual({ ...template(), version: 1 });
  });

  it('versions a template only when its content changes', async () => {
    await store.applyConfig(config(), T0);
    await store.applyConfig(config({ templates: [template({ tags: { team: 'core' } })] }), T0 + 1);
    expect((await store.getTemplate('web'))?.version).toBe(1);

    await store.applyConfig(config({ templates: [template({ image: 'img-2', userData: '#!/bin/sh' })] }), T0 + 2);
    expect(await store.getTemplate('web')).toEqual({ ...template({ image: 'img-2', userData: '#!/bin/sh' }), version: 2 });
    expect((await store.getTemplate('web', 1))?.image).toBe('img-1');
    expect(await store.getTemplate('web', 3)).toBeUndefined();
    expect(await store.getTemplate('other')).toBeUndefined();
  });

  it('keeps a scaled desired across re-apply unless the file changed it', async () => {
    await store.applyConfig(config(), T0);
    expect((await store.setDesired('web', 7))?.desired).toBe(7);
    expect(await store.setDesired('nope', 7)).toBeUndefined();

    const [kept] = await store.applyConfig(config({ pools: [pool({ maxLaunching: 9 })] }), T0 + 1);
    expect(kept).toMatchObject({ desired: 7, maxLaunching: 9 });
    expect((await store.applyState()).fileDesired).toEqual(new Map([['web', pool().desired]]));

    const [changed] = await store.applyConfig(config({ pools: [pool({ desired: 4 })] }), T0 + 2);
    expect(changed?.desired).toBe(4);
    expect((await store.getPool('web'))?.desired).toBe(4);

    await store.setDesired('web', 15);
    const [clamped] = await store.applyConfig(config({ pools: [pool({ desired: 4, max: 10 })] }), T0 + 3);
    expect(clamped?.desired).toBe(10);
  });

  it('changes desired and records the size it replaced in one step, even when changes race', async () => {
    await store.applyConfig(config(), T0);
    const sizes = [7, 12, 4, 19, 9, 15, 2, 11, 18, 6];
    const changes = await Promise.all(
      sizes.map((to, i) => store.changeDesired('web', to, (from) => ({ at: T0 + i, pool: 'web', reason: 'DesiredChanged', message: `desired ${from} → ${to}`, data: { from, to } }))),
    );
    const chain = (await store.listEvents({ pool: 'web' })).map((e) => e.data as { from: number; to: number });
    expect(chain).toHaveLength(sizes.length);
    expect(chain[0]!.from).toBe(3);
    chain.slice(1).forEach((c, i) => expect(c.from).toBe(chain[i]!.to));
    expect((await store.getPool('web'))!.desired).toBe(chain.at(-1)!.to);
    // Each caller learns the size its own change replaced, and its event.
    expect(changes.map((c) => [c!.from, c!.event!.data])).toEqual(expect.arrayContaining(chain.map((c) => [c.from, c])));

    const same = await store.changeDesired('web', chain.at(-1)!.to, () => ({ at: T0, pool: 'web', reason: 'DesiredChanged', message: 'unchanged' }));
    expect(same?.event).toBeUndefined();
    expect(await store.listEvents({ pool: 'web' })).toHaveLength(sizes.length);
    expect(await store.changeDesired('nope', 5, () => ({ at: T0, pool: 'nope', reason: 'DesiredChanged', message: 'x' }))).toBeUndefined();
  });

  it('an apply hands its check the state it changes (pools, file sizes, machines, versions), and a throw there stores nothing', async () => {
    await store.applyConfig(config({ pools: [pool(), pool({ name: 'batch' })] }), T0);
    await store.setDesired('web', 7);
    await store.saveMachines([machine(1, { pool: 'web' }), machine(2, { pool: 'web' }), machine(3, { pool: 'web', state: 'gone' })]);
    const seen = await store.applyState();
    expect(seen).toMatchObject({ fileDesired: new Map([['batch', pool().desired], ['web', pool().desired]]), machines: new Map([['web', 2]]), versions: new Map([['web', 1]]) });
    expect(seen.pools.map((p) => [p.name, p.desired])).toEqual([['batch', pool().desired], ['web', 7]]);
    expect(seen.config).toEqual(config({ pools: [pool(), pool({ name: 'batch' })] }));

    const refused = new Error('refused by the check');
    let checked: unknown;
    await expect(
      store.applyConfig(config({ templates: [template({ image: 'img-2' })] }), T0 + 1, (before) => {
        checked = before;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(checked).toEqual(seen);
    expect(await store.applyState()).toEqual(seen);
    expect((await store.getPool('batch'))?.removedAt).toBeUndefined();
    expect((await store.getTemplate('web'))?.version).toBe(1);
  });

  it('holds a pool the file no longer lists at zero, marked removed, until the controller deletes it empty', async () => {
    await store.applyConfig(config({ pools: [pool(), pool({ name: 'batch' })] }), T0);
    expect((await store.listPools()).map((p) => p.name)).toEqual(['batch', 'web']);
    await store.applyConfig(config(), T0 + 1);
    expect(await store.getPool('batch')).toMatchObject({ min: 0, max: 0, desired: 0, removedAt: T0 + 1 });
    expect((await store.getPool('web'))?.removedAt).toBeUndefined();
    expect(await store.deleteRemovedPool('web')).toBe(false);
    expect(await store.deleteRemovedPool('batch')).toBe(true);
    expect((await store.listPools()).map((p) => p.name)).toEqual(['web']);
  });

  it('upserts and lists machines, leaving gone ones out unless asked', async () => {
    await store.saveMachines([
      machine(1),
      machine(2, { pool: 'batch', intent: 'int-1', replaces: 'm-old', protected: true }),
      machine(3, { readyAt: undefined, state: 'booting' }),
    ]);
    await store.saveMachines([machine(1, { state: 'gone', since: T0 + 99 })]);

    expect((await store.listMachines()).map((m) => m.id)).toEqual(['m-000002', 'm-000003']);
    expect((await store.listMachines({ includeGone: true })).map((m) => m.id)).toEqual(['m-000001', 'm-000002', 'm-000003']);
    expect(await store.listMachines({ pool: 'batch' })).toEqual([
      machine(2, { pool: 'batch', intent: 'int-1', replaces: 'm-old', protected: true }),
    ]);
    expect(await store.getMachine('m-000001')).toEqual(machine(1, { state: 'gone', since: T0 + 99 }));
    const booting = await store.getMachine('m-000003');
    expect(booting).toEqual(machine(3, { readyAt: undefined, state: 'booting' }));
    expect(booting && 'readyAt' in booting).toBe(false);
    expect(await store.getMachine('m-missing')).toBeUndefined();
  });

  it('pages a pool’s live machines by id, from after the cursor', async () => {
    await store.saveMachines([machine(1), machine(2), machine(3, { state: 'gone' }), machine(4), machine(5, { pool: 'batch' }), machine(6)]);
    const ids = async (after?: string) => (await store.pageMachines({ pool: 'web', after, limit: 2 })).map((m) => m.id);
    expect(await ids()).toEqual(['m-000001', 'm-000002']);
    // m-000003 is gone and m-000005 in another pool: the page goes on past both.
    expect(await ids('m-000002')).toEqual(['m-000004', 'm-000006']);
    expect(await ids('m-000006')).toEqual([]);
    expect(await store.pageMachines({ pool: 'web', after: 'm-000001', limit: 1 })).toEqual([machine(2)]);
  });

  it('tracks launch intents through their lifecycle', async () => {
    const intent = { id: 'int-1', pool: 'web', zone: 'a', size: 'm5.large', count: 3, templateVersion: 1, createdAt: T0, replaces: ['m-1'], status: 'open' as const, sentAt: T0 };
    await store.createIntent(intent);
    await store.createIntent({ ...intent, id: 'int-2', pool: 'batch', createdAt: T0 + 1, replaces: [], sentAt: 0 });
    expect(await store.listIntents({ status: 'open' })).toHaveLength(2);
    expect(await store.listIntents({ pool: 'web' })).toEqual([intent]);
    // A re-send records its time before the call: a restarted controller reads how long ago it went out.
    await store.markIntentSent('int-2', T0 + 5_000);
    expect((await store.listIntents({ pool: 'batch' }))[0]!.sentAt).toBe(T0 + 5_000);

    await store.setIntentStatus('int-1', 'done');
    expect((await store.listIntents({ status: 'open' })).map((i) => i.id)).toEqual(['int-2']);
    expect(await store.listIntents({ pool: 'web', status: 'done' })).toEqual([{ ...intent, status: 'done' }]);
    await expect(store.createIntent(intent)).rejects.toThrow();
  });

  it('appends events in order and pages them by cursor and pool', async () => {
    const first = await store.appendEvents([
      { at: T0, pool: 'web', machine: 'm-1', reason: 'Launched', message: 'launched m-1', data: { zone: 'a' } },
      { at: T0 + 1, pool: 'batch', reason: 'ScaledOut', message: '0 → 2' },
      { at: T0 + 2, pool: 'web', machine: 'm-1', reason: 'Ready', message: 'agent joined' },
    ]);
    expect(first.map((e) => e.reason)).toEqual(['Launched', 'ScaledOut', 'Ready']);
    const ids = first.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
    expect(await store.appendEvents([])).toEqual([]);

    const second = await store.appendEvents([{ at: T0 + 3, pool: 'web', reason: 'ScaledIn', message: '3 → 2' }]);
    expect(second[0]!.id).toBeGreaterThan(ids[2]!);

    expect(await store.listEvents()).toEqual([...first, ...second]);
    expect(await store.listEvents({ after: ids[0] })).toEqual([...first.slice(1), ...second]);
    expect(await store.listEvents({ pool: 'web', after: ids[0] })).toEqual([first[2], second[0]]);
    expect(await store.listEvents({ machine: 'm-1' })).toEqual([first[0], first[2]]);
    expect(await store.listEvents({ limit: 2 })).toEqual(first.slice(0, 2));
    expect(await store.listEvents({ limit: 2, newest: true })).toEqual([first[2], second[0]]);
    expect(await store.listEvents({ pool: 'web', limit: 5, newest: true })).toEqual([first[0], first[2], second[0]]);
    expect(typeof first[0]!.at).toBe('number');
  });

  it('filters events by reason, with pool, cursor and limit applied to the matches', async () => {
    const stored = await store.appendEvents([
      { at: T0, pool: 'web', machine: 'm-1', reason: 'Ready', message: 'agent joined' },
      { at: T0 + 1, pool: 'web', machine: 'm-1', reason: 'Died', message: 'no heartbeat for 30s' },
      { at: T0 + 2, pool: 'web', machine: 'm-2', reason: 'Replaced', message: 'm-2 replaces m-1' },
      { at: T0 + 3, pool: 'batch', machine: 'm-3', reason: 'Died', message: 'provider says terminated' },
      { at: T0 + 4, pool: 'batch', reason: 'ScaledOut', message: '2 → 3' },
    ]);
    const [ready, died, replaced, diedBatch] = stored;
    expect(await store.listEvents({ reasons: ['Died', 'Replaced'] })).toEqual([died, replaced, diedBatch]);
    expect(await store.listEvents({ reasons: ['Died'], pool: 'web' })).toEqual([died]);
    expect(await store.listEvents({ reasons: ['Died', 'Replaced'], after: died!.id })).toEqual([replaced, diedBatch]);
    expect(await store.listEvents({ reasons: ['Died', 'Replaced'], limit: 1 })).toEqual([died]);
    expect(await store.listEvents({ reasons: ['Ready'], machine: 'm-1' })).toEqual([ready]);
    expect(await store.listEvents({ reasons: ['Terminated'] })).toEqual([]);
    expect(await store.listEvents({ reasons: [] })).toEqual([]);
  });

  it('saves 10,000 machines in one call and reads them back', async () => {
    const fleet = Array.from({ length: 10_000 }, (_, i) => machine(i));
    let started = performance.now();
    await store.saveMachines(fleet);
    const insertMs = performance.now() - started;
    const moved = fleet.map((m) => ({ ...m, state: 'draining' as const, since: m.since + 1 }));
    started = performance.now();
    await store.saveMachines(moved);
    const updateMs = performance.now() - started;
    console.info(`[${store.dialect}] saveMachines 10,000: insert ${insertMs.toFixed(0)} ms, upsert-update ${updateMs.toFixed(0)} ms`);

    const back = await store.listMachines({ pool: 'web' });
    expect(back).toHaveLength(10_000);
    expect(back).toEqual(moved);
  });
}

describe('store on SQLite', () => {
  storeContract(() => openStore(':memory:'));

  it('finds its state again after reopening the file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flotte-store-'));
    try {
      const first = await openStore(undefined, { dataDir: join(dataDir, 'nested') });
      await first.applyConfig(config(), T0);
      await first.setDesired('web', 9);
      await first.saveMachines([machine(1)]);
      const [event] = await first.appendEvents([{ at: T0, pool: 'web', reason: 'DesiredChanged', message: '3 → 9' }]);
      await first.close();

      const again = await openStore(join(dataDir, 'nested', 'state.db'));
      expect(again.dialect).toBe('sqlite');
      expect((await again.getPool('web'))?.desired).toBe(9);
      expect(await again.listMachines()).toEqual([machine(1)]);
      expect(await again.listEvents()).toEqual([event]);
      expect(await again.currentConfig()).toEqual(config());
      await again.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

await serviceSuite(postgresService(), `store on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  storeContract(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    const store = await openStore(schema.url);
    expect(store.dialect).toBe('postgres');
    return store;
  });
});
