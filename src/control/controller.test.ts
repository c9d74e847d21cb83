import { afterEach, describe, expect, it } from 'vitest';
import { TAG } from '../domain/types.js';
import { openStore } from '../store/open-store.js';
import { converged, harness, simLive, type Harness } from '../../test/support/harness.js';

let h: Harness;
afterEach(() => h?.close());

const desire = (n: number, pool = 'analysis') => h.store.setDesired(pool, n);

describe('controller', () => {
  it('brings a pool from 0 to its desired size, balanced over zones', async () => {
    h = await harness();
    await desire(30);
    await h.tickUntil(() => converged(h.store, 30));
    const zones = simLive(h.sim).map((m) => m.zone);
    for (const z of ['sim-a', 'sim-b', 'sim-c']) expect(zones.filter((x) => x === z)).toHaveLength(10);
    expect(h.sim.all()).toHaveLength(30);
  });

  it('scales in oldest first, zones kept balanced, and never below min', async () => {
    h = await harness({ pools: [{ min: 5 }] });
    await desire(12);
    await h.tickUntil(() => converged(h.store, 12));
    await h.clock.advance(60_000);
    await desire(18);
    await h.tickUntil(() => converged(h.store, 18));
    const before = await h.store.listMachines({ pool: 'analysis' });
    await desire(6);
    await h.tickUntil(() => converged(h.store, 6));
    const survivors = await h.store.listMachines({ pool: 'analysis' });
    const removed = before.filter((m) => !survivors.some((s) => s.id === m.id));
    for (const r of removed) {
      for (const s of survivors.filter((x) => x.zone === r.zone)) expect(r.launchedAt).toBeLessThanOrEqual(s.launchedAt);
    }
    const perZone = ['sim-a', 'sim-b', 'sim-c'].map((z) => survivors.filter((m) => m.zone === z).length);
    expect(Math.max(...perZone) - Math.min(...perZone)).toBeLessThanOrEqual(1);
    // the 6 newest from the second wave survive
    expect(survivors.every((s) => s.launchedAt >= 60_000 + before[0]!.launchedAt)).toBe(true);
  });

  it('a list read before an operation recorded a reboot does not undo it (the restart would wait for a reboot it never sees end)', async () => {
    h = await harness();
    await desire(3);
    await h.tickUntil(() => converged(h.store, 3));
    const [target] = simLive(h.sim);
    const list = h.sim.list.bind(h.sim);
    // The tick lists, then an operation's reboot is accepted and recorded before the tick folds that list in.
    h.sim.list = async (q) => {
      const seen = await list(q);
      h.sim.list = list;
      await h.clock.advance(1_000);
      await h.controller.recordOperationTransition('analysis', { ids: [target!.id], to: 'rebooting', reason: 'Rebooting', cause: 'operation op-1' });
      return seen;
    };
    await h.runTick();
    expect((await h.store.getMachine(target!.id))!.state).toBe('rebooting');
  });

  it('a pool dropped from the config is drained, then deleted once empty: none of its machines is left running; listed again before that, it is kept', async () => {
    h = await harness({ pools: [{}, { name: 'batch' }] });
    await desire(4);
    await desire(3, 'batch');
    await h.tickUntil(async () => (await converged(h.store, 4)) && (await converged(h.store, 3, 'batch')));
    const config = (await h.store.currentConfig())!;
    const liveOf = (pool: string) => simLive(h.sim).filter((m) => m.tags[TAG.pool] === pool);

    // Dropped, then listed again while it drains: it stays, with the file's settings.
    await h.store.applyConfig({ ...config, pools: config.pools.filter((p) => p.name !== 'batch') }, h.clock.now());
    expect(await h.store.getPool('batch')).toMatchObject({ desired: 0, max: 0, removedAt: h.clock.now() });
    await h.store.applyConfig(config, h.clock.now());
    expect((await h.store.getPool('batch'))?.removedAt).toBeUndefined();

    await h.store.applyConfig({ ...config, pools: config.pools.filter((p) => p.name !== 'batch') }, h.clock.now());
    await h.tickUntil(async () => (await h.store.getPool('batch')) === undefined);
    expect(liveOf('batch')).toEqual([]);
    expect(liveOf('analysis')).toHaveLength(4);
    expect((await h.store.listEvents({ pool: 'batch' })).some((e) => e.reason === 'PoolRemoved')).toBe(true);
  });

  it('replaces a machine that dies, unasked, and the events say who died, when, and who replaced it', async () => {
    h = await harness();
    await desire(6);
    await h.tickUntil(() => converged(h.store, 6));
    const victim = simLive(h.sim)[2]!.id;
    h.sim.kill([victim]);
    const diedAt = h.clock.now();
    await h.tickUntil(() => converged(h.store, 6));
    const events = await h.store.listEvents({ pool: 'analysis' });
    const died = events.find((e) => e.reason === 'Died' && e.machine === victim)!;
    expect(died.at).toBeGreaterThanOrEqual(diedAt);
    const replaced = events.find((e) => e.reason === 'Replaced' && e.machine === victim)!;
    const successor = replaced.data!.by as string;
    expect(replaced.message).toBe(`${victim} replaced by ${successor}`);
    expect((await h.store.getMachine(successor))!.replaces).toBe(victim);
    expect(h.sim.all()).toHaveLength(7);
  });

  it('a death seen while the store refuses writes is still recorded once writes come back (found by the campaign, seed 1)', async () => {
    const store = await openStore(':memory:');
    let refuse = false;
    // The store as a full disk leaves it: reads answer, writes fail.
    const failing = new Proxy(store, {
      get: (t, prop, r) => (refuse && (prop === 'saveMachines' || prop === 'appendEvents' || prop === 'recordChanges') ? () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')) : Reflect.get(t, prop, r) as unknown),
    });
    h = await harness({ store: failing });
    await desire(4);
    await h.tickUntil(() => converged(h.store, 4));
    const victim = simLive(h.sim)[1]!.id;
    h.sim.kill([victim]);
    refuse = true;
    await h.runTick();
    refuse = false;
    await h.clock.advance(5_000);
    await h.tickUntil(() => converged(h.store, 4));
    expect((await store.getMachine(victim))!.state).toBe('gone');
    expect((await store.listEvents({ pool: 'analysis' })).some((e) => e.reason === 'Died' && e.machine === victim)).toBe(true);
  });

  it('terminates and replaces a machine the provider reports in error', async () => {
    h = await harness({ sim: { launchFailureRate: 0.3, seed: 3 } });
    await desire(20);
    await h.tickUntil(() => converged(h.store, 20), { maxTicks: 400 });
    const failed = h.sim.all().filter((m) => m.status !== 'running');
    expect(failed.length).toBeGreaterThan(0);
    expect(simLive(h.sim).filter((m) => m.status === 'running')).toHaveLength(20);
  });

  it('falls over to other zones when one runs out of capacity', async () => {
    h = await harness({ sim: { zoneCapacity: { 'sim-a': 2 } } });
    await desire(30);
    await h.tickUntil(() => converged(h.store, 30));
    expect(simLive(h.sim).filter((m) => m.zone === 'sim-a')).toHaveLength(2);
    const events = await h.store.listEvents({ pool: 'analysis' });
    expect(events.some((e) => e.reason === 'ZoneUnavailable')).toBe(true);
  });

  it('converges 0 → 1,000 under tight buckets and a throttling storm, losing and doubling nothing', async () => {
    h = await harness({
      sim: {
        bootSeconds: { min: 5, max: 10 },
        launchPerCall: 50,
        throttleShare: 0.3,
        buckets: { launch: { capacity: 2, refillPerSecond: 0.5 }, describe: { capacity: 5, refillPerSecond: 1 } },
        instanceBuckets: { launch: { capacity: 100, refillPerSecond: 10 } },
      },
    });
    await desire(1000);
    await h.tickUntil(() => converged(h.store, 1000), { maxTicks: 400 });
    expect(h.sim.all()).toHaveLength(1000);
    const ids = new Set(h.sim.all().map((m) => m.id));
    expect(ids.size).toBe(1000);
    const stats = h.provider.stats();
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.retried).toBeGreaterThan(0);
  });

  it('adopts machines launched before a crash and closes the open intent from what it sees, launching nothing twice', async () => {
    h = await harness();
    await desire(9);
    // A controller that crashed after writing the intent and after the cloud made the machines, before recording them.
    const intent = { id: 'li-crashed', pool: 'analysis', zone: 'sim-a', size: 'm5.large', count: 9, templateVersion: 1, createdAt: h.clock.now(), replaces: [], status: 'open' as const };
    await h.store.createIntent(intent);
    const template = (await h.store.getTemplate('small'))!;
    await h.sim.launch({ token: intent.id, template, size: 'm5.large', zone: 'sim-a', count: 9, tags: { [TAG.cluster]: 'test', [TAG.pool]: 'analysis', [TAG.intent]: intent.id } });
    await h.restart();
    await h.tickUntil(() => converged(h.store, 9));
    expect(h.sim.all()).toHaveLength(9);
    expect(h.sim.calls.filter((c) => c.action === 'launch')).toHaveLength(1);
    expect((await h.store.listIntents({ status: 'open' }))).toEqual([]);
    const events = await h.store.listEvents({ pool: 'analysis' });
    expect(events.filter((e) => e.reason === 'Adopted')).toHaveLength(9);
  });

  it('an intent written but never sent is sent after a restart, once', async () => {
    h = await harness();
    await desire(4);
    await h.store.createIntent({ id: 'li-unsent', pool: 'analysis', zone: 'sim-b', size: 'm5.large', count: 4, templateVersion: 1, createdAt: h.clock.now(), replaces: [], status: 'open' });
    await h.restart();
    await h.tickUntil(() => converged(h.store, 4));
    expect(h.sim.all()).toHaveLength(4);
    expect(simLive(h.sim).every((m) => m.tags[TAG.intent] === 'li-unsent')).toBe(true);
  });
});
