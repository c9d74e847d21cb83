import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, readyCount, type Harness } from '../../test/support/harness.js';
import { jsonServer, type JsonServer } from '../../test/support/json-server.js';
import { scalingSpec } from '../../test/support/scaling.js';
import type { ScalingSpec } from '../domain/scaling/spec.js';
import { Autoscaler } from './autoscaler.js';

const log = pino({ level: 'silent' });
let h: Harness | undefined;
let server: JsonServer | undefined;
afterEach(async () => {
  await h?.close();
  await server?.close();
  h = undefined;
  server = undefined;
});

async function setup(over: Partial<ScalingSpec> = {}, desired = 2) {
  server = await jsonServer({ queues: [{ name: 'jobs', depth: 0 }] });
  const scaling = scalingSpec({ type: 'http-json', url: server.url, path: 'queues[0].depth' }, over);
  h = await harness({ pools: [{ desired, max: 100, scaling }], sim: { bootSeconds: { min: 5, max: 5 } } });
  let wakes = 0;
  const make = () => new Autoscaler({ store: h!.store, clock: h!.clock, log, wake: () => wakes++ });
  return { autoscaler: make(), make, wakes: () => wakes, pool: async () => (await h!.store.getPool('analysis'))! };
}

describe('autoscaler in the controller process', () => {
  it('a metric over target sets desired, wakes the controller, and the next tick launches', async () => {
    const { autoscaler, wakes, pool } = await setup();
    await h!.tickUntil(async () => (await readyCount(h!.store)) === 2);
    server!.doc = { queues: [{ name: 'jobs', depth: 1_234 }] };
    const [d] = await autoscaler.runOnce();
    expect(d!.summary).toBe('scale out 2 → 13');
    expect((await pool()).desired).toBe(13);
    expect(wakes()).toBe(1);
    const before = h!.sim.all().length;
    await h!.runTick();
    expect(h!.sim.all().length - before).toBe(11);
    const events = await h!.store.listEvents({ pool: 'analysis' });
    expect(events.find((e) => e.reason === 'DesiredChanged')!.message).toBe('autoscaler: desired 2 → 13: scale out 2 → 13');
  });

  it('records the size it replaced as the store held it, even when a person scaled the pool after the autoscaler read it', async () => {
    const { autoscaler, pool } = await setup();
    server!.doc = { queues: [{ name: 'jobs', depth: 1_234 }] };
    const read = await pool(); // what the autoscaler decides from: desired 2
    await h!.store.setDesired('analysis', 7); // `flotte scale analysis 7` lands in between
    await autoscaler.evaluate(read, h!.clock.now());
    expect((await pool()).desired).toBe(13);
    const changed = (await h!.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'DesiredChanged');
    expect(changed.map((e) => e.data)).toEqual([{ from: 7, to: 13, by: 'autoscaler' }]);
    expect(changed[0]!.message).toBe('autoscaler: desired 7 → 13: scale out 2 → 13');
  });

  it('evaluates each pool once per evaluation interval', async () => {
    const { autoscaler } = await setup({ evaluationInterval: 10 });
    expect(await autoscaler.runOnce()).toHaveLength(1);
    await h!.clock.advance(9_000);
    expect(await autoscaler.runOnce()).toHaveLength(0);
    await h!.clock.advance(1_000);
    expect(await autoscaler.runOnce()).toHaveLength(1);
  });

  it('dryRun: decides and explains, never acts', async () => {
    const { autoscaler, wakes, pool } = await setup({ dryRun: true });
    server!.doc = { queues: [{ depth: 5_000 }] };
    const [d] = await autoscaler.runOnce();
    expect(d!.desired).toBe(50);
    expect(d!.summary).toMatch(/^dry run: would scale out 2 → 50/);
    expect((await pool()).desired).toBe(2);
    expect(wakes()).toBe(0);
    const [stored] = await h!.store.listDecisions({ pool: 'analysis' });
    expect(stored).toMatchObject({ dryRun: true, desired: 50, current: 2 });
  });

  it('a restarted controller still honours the stabilization window (memory comes from stored decisions)', async () => {
    const { autoscaler, make, pool } = await setup();
    server!.doc = { queues: [{ depth: 4_000 }] };
    await autoscaler.runOnce();
    expect((await pool()).desired).toBe(40);
    server!.doc = { queues: [{ depth: 0 }] };
    await h!.clock.advance(100_000);
    const fresh = make(); // what a restarted process builds: no memory but the store
    const [held] = await fresh.runOnce();
    expect(held!.desired).toBe(40);
    expect(held!.adjustments[0]).toMatchObject({ stage: 'stabilization', to: 40 });
    await h!.clock.advance(200_000);
    const [after] = await fresh.runOnce();
    expect(after!.desired).toBe(0);
  });

  it('an unreachable source holds the pool with one ScalingHeld event, and recovers', async () => {
    const { autoscaler, pool } = await setup({}, 7);
    await server!.close();
    for (let i = 0; i < 3; i++) {
      const [d] = await autoscaler.runOnce();
      expect(d!.desired).toBe(7);
      expect(d!.held).toMatch(/backlog read failed/);
      await h!.clock.advance(10_000);
    }
    const held = (await h!.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'ScalingHeld');
    expect(held).toHaveLength(1);
    expect((await pool()).desired).toBe(7);
    server = await jsonServer({ queues: [{ depth: 0 }] });
  });
});
