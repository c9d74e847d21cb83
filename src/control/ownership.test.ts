import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { rateLimited } from '../providers/rate-limited.js';
import { SimCloud } from '../providers/sim/index.js';
import { poolLease, type Fence } from '../store/fence.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { Controller } from './controller.js';
import { leaseGated } from './lease-gate.js';
import { Ownership } from './ownership.js';

const log = pino({ level: 'silent' });
const POOLS = Array.from({ length: 10 }, (_, i) => `pool:p${i}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let store: Store;
afterEach(async () => store?.close());

const member = (id: string, leaseMs = 60_000) => new Ownership({ store, id, info: {}, leaseMs, log, keys: async () => POOLS });
const holders = (ms: Ownership[]) => POOLS.map((k) => ms.filter((m) => m.fence(k)).map((m) => m.id));

describe('Ownership (members, assignment and leases on one store)', () => {
  it('shares 10 pools among 3 members, one owner each; a member that leaves hands its pools to the others; a new one takes its share', async () => {
    store = await openStore(':memory:');
    const ms = [member('a'), member('b'), member('c')];
    // Everyone joins first, so the first cycles already agree on the membership.
    for (const m of ms) await store.heartbeat(m.id, {}, 60_000);
    for (let round = 0; round < 2; round++) for (const m of ms) await m.cycle();
    expect(holders(ms).every((h) => h.length === 1)).toBe(true);
    expect(ms.map((m) => m.owned().length).sort()).toEqual([3, 3, 4]);

    await ms[1]!.stop();
    const left = [ms[0]!, ms[2]!];
    // Its leases went straight to the members that own them now: none is free for a moment.
    expect((await store.listLeases()).map((l) => [l.name, l.live, l.holder === 'b'])).toEqual(POOLS.map((k) => [k, true, false]));
    // Two rounds: bounded loads may move a pool between the remaining two as well, handed over in one's cycle and taken up in the other's next.
    for (let round = 0; round < 2; round++) for (const m of left) await m.cycle();
    expect(holders(left).every((h) => h.length === 1)).toBe(true);

    const d = member('d');
    const now = [...left, d];
    // After every single cycle, never two holders: a pool moving is handed over, never shared.
    for (let round = 0; round < 2; round++) {
      for (const m of now) {
        await m.cycle();
        expect(holders(now).every((h) => h.length <= 1)).toBe(true);
      }
    }
    expect(holders(now).every((h) => h.length === 1)).toBe(true);
    expect(now.map((m) => m.owned().length).sort()).toEqual([3, 3, 4]);
  });

  it('a lease not renewed for a whole period is not used, even before anyone else takes it', async () => {
    store = await openStore(':memory:');
    const a = member('a', 200);
    await a.cycle();
    expect(a.fence('pool:p0')).toBeDefined();
    await sleep(250);
    expect(a.fence('pool:p0')).toBeUndefined();
  });
});

describe('Controller under a lost lease (the database and the gate refuse it)', () => {
  it('writes no intent and calls no launch once another controller holds the pool', async () => {
    store = await openStore(':memory:');
    const clock = new VirtualClock();
    const sim = new SimCloud({ zones: ['sim-a'] }, clock);
    await store.applyConfig(
      {
        source: '#',
        cluster: 'c',
        providers: { sim: { type: 'sim' } },
        templates: [{ name: 'small', provider: 'sim', image: 'i', sizes: ['m'], zones: ['sim-a'], tags: {} }],
        pools: [{ name: 'web', provider: 'sim', template: 'small', min: 0, max: 10, desired: 5, zones: ['sim-a'], labels: {}, maxLaunching: 10, deletionOrder: 'oldest-first' }],
      },
      clock.now(),
    );
    const stale = (await store.acquireLease(poolLease('web'), 'old', 100))!;
    // An intent the old owner wrote while it still held the pool.
    await store.createIntent({ id: 'li-old', pool: 'web', zone: 'sim-a', size: 'm', count: 2, templateVersion: 1, createdAt: 0, replaces: [], status: 'open' }, stale);
    await sleep(150);
    expect(await store.acquireLease(poolLease('web'), 'new', 60_000)).toMatchObject({ token: stale.token + 1 });

    // The old owner still believes it holds the pool (a process frozen mid-tick would).
    const lost: string[] = [];
    const believes = { fence: (): Fence => stale, lost: (k: string) => void lost.push(k) };
    const provider = rateLimited(leaseGated(sim), { clock });
    const c = new Controller({ store, providers: new Map([['sim', provider]]), clock, cluster: 'c', log, ownership: believes });
    await c.start();
    await c.tick();
    expect(lost).toEqual(['pool:web']);
    expect(sim.calls.filter((x) => x.action === 'launch')).toEqual([]);
    expect((await store.listIntents()).map((i) => [i.id, i.status])).toEqual([['li-old', 'open']]);
    expect(await store.listMachines()).toEqual([]);
    expect(await store.listEvents()).toEqual([]);
  });
});
