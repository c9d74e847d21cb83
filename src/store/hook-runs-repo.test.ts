import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import { poolSpec } from '../../test/support/builders.js';
import { startRun, type LifecycleHook, type PoolHooks } from '../domain/hooks.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const T0 = 1_700_000_000_000;
const hook = (name: string, over: Partial<LifecycleHook> = {}): LifecycleHook => ({ name, command: `./${name}`, timeoutMs: 30_000, defaultResult: 'abandon', ...over });
const HOOKS: PoolHooks = {
  launch: [hook('register', { command: undefined, webhook: { url: 'https://lb.example/h', secret: { env: 'LB_KEY' } } }), hook('warm')],
  terminate: [hook('drain-logs', { defaultResult: 'continue', timeoutMs: 600_000 })],
};
const machine = (id: string) => ({ id, pool: 'web' });

function hookRunsContract(open: () => Promise<Store>): void {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  it("keeps a pool's hooks through an apply, and reads them back as configured", async () => {
    await store.applyConfig({ source: '#', cluster: 'c', providers: { sim: { type: 'sim' } }, templates: [{ name: 'small', provider: 'sim', image: 'i', sizes: ['s'], zones: ['a'], tags: {} }], pools: [poolSpec({ name: 'web', hooks: HOOKS })] }, T0);
    expect((await store.getPool('web'))?.hooks).toEqual(HOOKS);
  });

  it('stores a run at its start; a second start of the same run keeps the first', async () => {
    const run = startRun(machine('i-1'), 'launch', HOOKS.launch[0]!, 'Launched', T0);
    expect(await store.hookRuns.start(run)).toEqual(run);
    expect(await store.hookRuns.start({ ...run, startedAt: T0 + 5, deadline: T0 + 9 })).toEqual(run);
    expect(await store.hookRuns.listForPool('web')).toEqual([run]);
  });

  it('the first end wins: an answer after the timeout changes nothing, and an agent ends only its own machine\'s runs', async () => {
    const run = await store.hookRuns.start(startRun(machine('i-1'), 'launch', HOOKS.launch[1]!, 'Launched', T0));
    expect(await store.hookRuns.runningCommands('i-1')).toEqual([run]);
    expect(await store.hookRuns.finish(run.id, { status: 'passed', endedAt: T0 + 1, detail: 'exit 0' }, 'i-2')).toBe(false);
    expect(await store.hookRuns.finish(run.id, { status: 'timeout', endedAt: run.deadline, detail: 'no answer' })).toBe(true);
    expect(await store.hookRuns.finish(run.id, { status: 'passed', endedAt: T0 + 40_000, detail: 'exit 0' }, 'i-1')).toBe(false);
    expect(await store.hookRuns.listForPool('web')).toEqual([{ ...run, status: 'timeout', endedAt: run.deadline, detail: 'no answer' }]);
    expect(await store.hookRuns.runningCommands('i-1')).toEqual([]);
  });

  it('marks runs announced, and deletes a machine\'s runs: one transition, or all', async () => {
    const a = await store.hookRuns.start(startRun(machine('i-1'), 'launch', HOOKS.launch[0]!, 'Launched', T0));
    const b = await store.hookRuns.start(startRun(machine('i-1'), 'terminate', HOOKS.terminate[0]!, 'ScaleIn', T0 + 10));
    const c = await store.hookRuns.start(startRun(machine('i-2'), 'terminate', HOOKS.terminate[0]!, 'ScaleIn', T0 + 20));
    await store.hookRuns.markAnnounced([a.id, c.id]);
    expect((await store.hookRuns.listForPool('web')).map((r) => [r.id, r.announced])).toEqual([[a.id, true], [b.id, false], [c.id, true]]);
    await store.hookRuns.deleteRuns(['i-1'], 'launch');
    expect((await store.hookRuns.listForPool('web')).map((r) => r.id)).toEqual([b.id, c.id]);
    await store.hookRuns.deleteRuns(['i-1', 'i-2']);
    expect(await store.hookRuns.listForPool('web')).toEqual([]);
  });
}

describe('hook runs store on SQLite', () => hookRunsContract(() => openStore(':memory:')));

await serviceSuite(postgresService(), `hook runs store on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  hookRunsContract(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });
});
