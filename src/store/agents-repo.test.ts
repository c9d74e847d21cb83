import { afterEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import type { AgentHeartbeat } from '../domain/health.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const beat = (machine: string, over: Partial<AgentHeartbeat> = {}): AgentHeartbeat => ({
  machine,
  pool: 'workers',
  joinedAt: 1_000,
  lastAt: 2_000,
  busy: 0,
  sessions: 0,
  available: true,
  drained: false,
  load: { load1: 0.5, cpu: 0.25, memory: 0.5 },
  ...over,
});

function agentsContract(open: () => Promise<Store>): void {
  it('heartbeats: one row per machine, replaced by each beat, all read in one call', async () => {
    const store = await open();
    await store.saveHeartbeat(beat('m1'));
    await store.saveHeartbeat(beat('m2', { address: '127.0.0.1:7421' }));
    await store.saveHeartbeat(beat('m1', { lastAt: 3_000, busy: 2, sessions: 1, available: false, drained: true }));
    const all = await store.listHeartbeats();
    expect(all.sort((a, b) => (a.machine < b.machine ? -1 : 1))).toEqual([
      beat('m1', { lastAt: 3_000, busy: 2, sessions: 1, available: false, drained: true }),
      beat('m2', { address: '127.0.0.1:7421' }),
    ]);
    // The readiness check's last result rides on the row and goes with a beat that has none (a restarted agent).
    const checked = beat('m1', { lastAt: 4_000, readiness: { ok: false, at: 3_900, output: 'connect ECONNREFUSED 127.0.0.1:5432' } });
    await store.saveHeartbeat(checked);
    expect(await store.getHeartbeat('m1')).toEqual(checked);
    await store.saveHeartbeat(beat('m1', { lastAt: 5_000 }));
    expect((await store.getHeartbeat('m1'))?.readiness).toBeUndefined();
    await store.deleteHeartbeats(['m1']);
    expect((await store.listHeartbeats()).map((b) => b.machine)).toEqual(['m2']);
    await store.close();
  });

  it('the join key is made once and then kept; join secrets are found by pool and hash; a join sets the credential, heartbeats keep it', async () => {
    const store = await open();
    expect(await store.agentJoinKey('key-one', 1)).toBe('key-one');
    expect(await store.agentJoinKey('key-two', 2)).toBe('key-one');
    const secret = { id: 'js-1', pool: 'workers', hash: 'a'.repeat(64), kind: 'minted' as const, createdAt: 5, createdBy: 'admin' };
    await store.addJoinSecret(secret);
    expect(await store.findJoinSecret('workers', 'a'.repeat(64))).toEqual(secret);
    expect(await store.findJoinSecret('other', 'a'.repeat(64))).toBeUndefined();

    expect(await store.agentCredential('m1')).toBeUndefined();
    await store.saveHeartbeat(beat('m1'));
    expect(await store.agentCredential('m1')).toEqual({ pool: 'workers', hash: null });
    await store.joinAgent(beat('m1', { lastAt: 3_000 }), 'b'.repeat(64));
    await store.saveHeartbeat(beat('m1', { lastAt: 4_000, busy: 1 }));
    expect(await store.agentCredential('m1')).toEqual({ pool: 'workers', hash: 'b'.repeat(64) });
    expect(await store.getHeartbeat('m1')).toEqual(beat('m1', { lastAt: 4_000, busy: 1 }));
    await store.close();
  });

  it('healing pauses and protections', async () => {
    const store = await open();
    await store.setHealingPaused('workers', { at: 5, reason: '3 of 5 failed' });
    expect([...(await store.listHealingPaused())]).toEqual([['workers', { at: 5, reason: '3 of 5 failed' }]]);
    await store.setHealingPaused('workers', null);
    expect((await store.listHealingPaused()).size).toBe(0);
    await store.setProtection('m1', true, 1);
    await store.setProtection('m2', true, 1);
    await store.setProtection('m2', false, 2);
    expect([...(await store.listProtections())].sort()).toEqual([['m1', true], ['m2', false]]);
    await store.close();
  });

  it('pool conditions: set, replaced, listed by pool and type, cleared; a pool blastRadius and its allowDestroy kept', async () => {
    const store = await open();
    const at = Date.UTC(2026, 11, 6, 9, 0);
    await store.setCondition({ pool: 'workers', type: 'AutoscalingPaused', since: at, reason: 'Requested', message: 'paused', until: at + 3_600_000 });
    await store.setCondition({ pool: 'workers', type: 'ProviderUnavailable', since: at, reason: 'ProviderUnavailable', message: 'refused', data: { provider: 'ec2', lastOkAt: null } });
    await store.setCondition({ pool: 'workers', type: 'AutoscalingPaused', since: at + 1, reason: 'Requested', message: 'paused again' });
    expect(await store.listConditions({ pool: 'workers' })).toEqual([
      { pool: 'workers', type: 'AutoscalingPaused', since: at + 1, reason: 'Requested', message: 'paused again' },
      { pool: 'workers', type: 'ProviderUnavailable', since: at, reason: 'ProviderUnavailable', message: 'refused', data: { provider: 'ec2', lastOkAt: null } },
    ]);
    expect((await store.listConditions({ type: 'ProviderUnavailable' })).map((c) => c.pool)).toEqual(['workers']);
    expect(await store.clearCondition('workers', 'ProviderUnavailable')).toBe(true);
    expect(await store.clearCondition('workers', 'ProviderUnavailable')).toBe(false);
    expect(await store.listConditions({ type: 'ProviderUnavailable' })).toEqual([]);

    const pool = { name: 'web', provider: 'sim', template: 'small', min: 0, max: 10, desired: 8, zones: [], labels: {}, maxLaunching: 10, deletionOrder: 'oldest-first' as const, blastRadius: 0.25 };
    const config = { source: '# test', cluster: 'c', providers: { sim: { type: 'sim' } }, templates: [{ name: 'small', provider: 'sim', image: 'img', sizes: ['m5.large'], zones: ['a'], tags: {} }], pools: [pool] };
    await store.applyConfig(config, at);
    await store.setDesired('web', 2);
    await store.allowDestroy(['web']);
    expect(await store.getPool('web')).toMatchObject({ blastRadius: 0.25, desired: 2, destroyAllowedTo: 2 });
    await store.setDesired('web', 1);
    expect((await store.getPool('web'))?.destroyAllowedTo).toBeUndefined();
    await store.applyConfig({ ...config, pools: [] }, at + 1);
    await store.allowDestroy(['web']);
    expect(await store.getPool('web')).toMatchObject({ desired: 0, destroyAllowedTo: 0 });
    await store.close();
  });
}

describe('agents, join tokens, pauses, protections on SQLite', () => {
  agentsContract(() => openStore(':memory:'));
});

await serviceSuite(postgresService(), `agents on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  agentsContract(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });
});
