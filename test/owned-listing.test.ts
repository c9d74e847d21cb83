import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller } from '../src/control/controller.js';
import { poolLease, type Fence } from '../src/store/fence.js';
import { harness, type Harness } from './support/harness.js';
import { limited } from './support/wiring.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const POOLS = 10;
const PER_POOL = 20;
const PAGE = 10;

/**
 * Issue 20: each controller of the HA plane lists only the pools it holds, so its calls grow
 * with what it owns, not with the cluster. At small scale: 10 pools of 20 on a sim that pages
 * by 10 cost 20 list pages to walk whole, and the pages of one pool (2) to walk what one holds.
 */
describe('a controller sharing the cluster lists only the pools it holds', () => {
  it('holding 1 of 10 pools, it makes the list calls of 1 pool, and sees all of that pool', async () => {
    h = await harness({ pools: Array.from({ length: POOLS }, (_, i) => ({ name: `pool-${i}`, desired: PER_POOL })), sim: { pageSize: PAGE, bootSeconds: { min: 5, max: 10 } } });
    const env = h;
    await env.tickUntil(async () => (await env.store.listMachines()).filter((m) => m.state === 'ready').length === POOLS * PER_POOL, { maxTicks: 50 });
    const listPages = () => env.sim.calls.filter((c) => c.action === 'list').length;
    const tickOf = async (c: Controller) => {
      const before = listPages();
      let finished = false;
      const tick = c.tick().finally(() => (finished = true));
      while (!finished) await env.clock.advance(100);
      await tick;
      return listPages() - before;
    };

    // Alone (no ownership), the controller walks the whole cluster.
    expect(await tickOf(env.controller)).toBe((POOLS * PER_POOL) / PAGE);

    // One member of an HA plane, holding pool-7's lease only (pool-7, not pool-0: the list order is no help).
    const fence: Fence = (await env.store.acquireLease(poolLease('pool-7'), 'member-b', 60_000))!;
    const member = new Controller({
      store: env.store,
      providers: new Map([['sim', limited(env.sim, env.clock)]]),
      clock: env.clock,
      cluster: 'test',
      log: pino({ level: 'silent' }),
      ownership: { fence: (lease) => (lease === fence.lease ? fence : undefined), lost: () => undefined },
    });
    await member.start();
    const launchesBefore = env.sim.calls.filter((c) => c.action === 'launch').length;
    expect(await tickOf(member)).toBe(PER_POOL / PAGE);
    // It saw every machine of its pool: nothing adopted twice, nothing launched, nothing lost.
    expect(member.machines('pool-7').map((m) => m.state)).toEqual(Array.from({ length: PER_POOL }, () => 'ready'));
    expect(env.sim.calls.filter((c) => c.action === 'launch').length).toBe(launchesBefore);
    expect(member.machines('pool-3')).toEqual([]);
    expect((await env.store.listEvents()).filter((e) => e.reason === 'Adopted')).toEqual([]);
  });
});
