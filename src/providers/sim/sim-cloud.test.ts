import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { TAG } from '../../domain/types.js';
import { ProviderError, isProviderError } from '../provider.js';
import { simOptions } from './options.js';
import { SimCloud } from './sim-cloud.js';
import { SIM_CALL_LOG } from './sim-gate.js';
import { TERMINATED_RETENTION_MS } from './sim-machine.js';
import { launchRequest } from '../../../test/support/launch-request.js';

const roomy = { launch: { capacity: 100_000, refillPerSecond: 1000 }, terminate: { capacity: 100_000, refillPerSecond: 1000 } };

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(e)}`);
  return e;
}

describe('SimCloud', () => {
  it('keeps the newest requests in its call log, not every one since it started, and counts them all', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9));
    const sim = new SimCloud({ buckets: { describe: { capacity: 1_000_000, refillPerSecond: 1 }, mutate: { capacity: 200, refillPerSecond: 5 }, launch: { capacity: 5, refillPerSecond: 2 } } }, clock);
    const total = 2 * SIM_CALL_LOG + 7;
    for (let i = 0; i < total; i++) {
      await sim.list({ cluster: 'c' });
      await clock.advance(1);
    }
    expect(sim.counters.list.ok).toBe(total);
    expect(sim.calls.length).toBeGreaterThanOrEqual(SIM_CALL_LOG);
    expect(sim.calls.length).toBeLessThanOrEqual(2 * SIM_CALL_LOG);
    // The newest are the ones kept, in order.
    expect(sim.calls.at(-1)!.at).toBe(clock.now() - 1);
    expect(sim.calls.every((c, i) => i === 0 || c.at > sim.calls[i - 1]!.at)).toBe(true);
  });

  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('applies defaults and mirrors them in limits and capabilities', () => {
    const sim = new SimCloud({ listDelayMs: 1000, buckets: { launch: { capacity: 9, refillPerSecond: 1 } } }, new VirtualClock());
    expect(sim.limits).toMatchObject({ idsPerCall: 1000, launchPerCall: 1000, listGraceMs: 6000, pageSize: 1000 });
    expect(sim.limits.buckets).toEqual({
      describe: { capacity: 100, refillPerSecond: 20 },
      mutate: { capacity: 200, refillPerSecond: 5 },
      launch: { capacity: 9, refillPerSecond: 1 },
    });
    expect(sim.capabilities).toEqual({ stopStart: true, reboot: true, batchLaunch: true });
    expect(simOptions({}).zones).toEqual(['sim-a', 'sim-b', 'sim-c']);
  });

  it('boots each machine in its drawn time, the same for the same seed', async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({ seed: 7 }, clock);
    const { launched } = await sim.launch(launchRequest('t1', 3));
    expect(launched.map((m) => m.id)).toEqual(['sim-00000001', 'sim-00000002', 'sim-00000003']);
    expect(launched.every((m) => m.status === 'pending' && m.tags[TAG.pool] === 'web' && m.image === 'img-1')).toBe(true);
    const boots = sim.all().map((m) => m.readyAt - m.launchedAt);
    for (const b of boots) {
      expect(b).toBeGreaterThanOrEqual(20_000);
      expect(b).toBeLessThan(40_000);
    }
    const again = new SimCloud({ seed: 7 }, new VirtualClock());
    await again.launch(launchRequest('t1', 3));
    expect(again.all().map((m) => m.readyAt - m.launchedAt)).toEqual(boots);

    const first = Math.min(...boots);
    await clock.advance(first - 1);
    expect(sim.all().filter((m) => m.status === 'running')).toHaveLength(0);
    await clock.advance(1);
    expect(sim.all().filter((m) => m.status === 'running')).toHaveLength(1);
    await clock.advance(40_000);
    expect(sim.all().every((m) => m.status === 'running')).toBe(true);
  });

  it('launches once per token', async () => {
    const sim = new SimCloud({}, new VirtualClock());
    const a = await sim.launch(launchRequest('tok', 4));
    const b = await sim.launch(launchRequest('tok', 4));
    expect(b.launched.map((m) => m.id)).toEqual(a.launched.map((m) => m.id));
    expect(sim.all()).toHaveLength(4);
  });

  it('counts the machines it makes by the time launch returns: none for a replayed token, new ones when told to forget tokens', async () => {
    for (const forgetClientToken of [false, true]) {
      const sim = new SimCloud({ forgetClientToken, zoneCapacity: { 'sim-a': 4 } }, new VirtualClock());
      const first = sim.launch(launchRequest('tok', 3));
      // Made before the promise settles: the served sim reads the count around the call, not after awaiting it.
      expect(sim.createdCount).toBe(3);
      await first;
      const again = await sim.launch(launchRequest('tok', 3));
      // Replayed, nothing new; forgetting tokens, a new launch of which only one machine fits.
      expect(again.launched).toHaveLength(forgetClientToken ? 1 : 3);
      expect(sim.createdCount).toBe(forgetClientToken ? 4 : 3);
      // What fits is counted; a launch refused for capacity makes nothing.
      const last = sim.launch(launchRequest('more', 2));
      if (forgetClientToken) await expect(last).rejects.toMatchObject({ kind: 'capacity' });
      else expect((await last).launched).toHaveLength(1);
      expect(sim.createdCount).toBe(4);
      expect(sim.all()).toHaveLength(4);
    }
  });

  it('shows one machine by id as all() does, a copy, and not once its retention is over', async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({}, clock);
    const [m] = (await sim.launch(launchRequest('tok', 1))).launched;
    const one = sim.machine(m!.id)!;
    expect(one).toEqual(sim.all()[0]);
    one.tags.x = 'changed';
    expect(sim.machine(m!.id)!.tags.x).toBeUndefined();
    expect(sim.machine('sim-99999999')).toBeUndefined();
    await sim.terminate([m!.id]);
    expect(sim.machine(m!.id)!.status).toBe('terminating');
    await clock.advance(sim.options.terminateSeconds * 1000 + TERMINATED_RETENTION_MS);
    expect(sim.machine(m!.id)).toBeUndefined();
    expect(sim.all()).toEqual([]);
  });

  it('launches what fits in the zone and reports the rest as capacity', async () => {
    const sim = new SimCloud({ zoneCapacity: { 'sim-a': 3 } }, new VirtualClock());
    const r = await sim.launch(launchRequest('t1', 5));
    expect(r.launched).toHaveLength(3);
    expect(r.failed?.count).toBe(2);
    expect(r.failed?.error).toMatchObject({ kind: 'capacity', details: { zone: 'sim-a', size: 'm.small' } });
    expect((await rejection(sim.launch(launchRequest('t2', 1)))).kind).toBe('capacity');
    expect((await sim.launch(launchRequest('t3', 2, { zone: 'sim-b' }))).launched).toHaveLength(2);
    expect((await rejection(sim.launch(launchRequest('t4', 1001)))).kind).toBe('invalid');
    sim.setZoneCapacity('sim-a', undefined);
    expect((await sim.launch(launchRequest('t5', 1))).launched).toHaveLength(1);
  });

  it('throttles an empty request bucket and refills it over time', async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({}, clock);
    for (let i = 0; i < 5; i++) await sim.launch(launchRequest(`t${i}`, 1));
    const e = await rejection(sim.launch(launchRequest('t5', 1)));
    expect(e).toMatchObject({ kind: 'throttled', retryable: true, details: { code: 'RequestLimitExceeded', retryAfterMs: 500 } });
    await clock.advance(499);
    expect((await rejection(sim.launch(launchRequest('t5', 1)))).kind).toBe('throttled');
    await clock.advance(1);
    await sim.launch(launchRequest('t5', 1));
    expect(sim.counters.launch).toEqual({ ok: 6, throttled: 2, error: 0 });
  });

  it('splits ids into calls of idsPerCall, each costing one mutate token', async () => {
    const sim = new SimCloud({ instanceBuckets: roomy }, new VirtualClock());
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(...(await sim.launch(launchRequest(`t${i}`, i < 2 ? 1000 : 500))).launched.map((m) => m.id));
    const r = await sim.terminate([...ids, 'sim-99999999']);
    expect(r.done).toHaveLength(2500);
    expect(r.notFound).toEqual(['sim-99999999']);
    expect(sim.calls.filter((c) => c.action === 'terminate').map((c) => c.ids)).toEqual([1000, 1000, 501]);
    expect(sim.all().every((m) => m.status === 'terminating')).toBe(true);
  });

  it('counts machines in the resource buckets', async () => {
    const sim = new SimCloud({ instanceBuckets: { launch: { capacity: 10, refillPerSecond: 2 } } }, new VirtualClock());
    await sim.launch(launchRequest('a', 8));
    const e = await rejection(sim.launch(launchRequest('b', 3)));
    expect(e.details).toMatchObject({ code: 'RequestResourceCountExceeded', retryAfterMs: 500 });
  });

  it('reboots running machines only, and stops and starts them', async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({}, clock);
    const [m] = (await sim.launch(launchRequest('t', 1))).launched;
    const id = m!.id;
    const early = await sim.reboot([id], { hard: false });
    expect(early.failed[0]?.error).toMatchObject({ kind: 'invalid', details: { code: 'IncorrectInstanceState' } });
    await clock.advance(40_000);
    expect((await sim.reboot([id], { hard: true })).done).toEqual([id]);
    expect(sim.all()[0]?.status).toBe('rebooting');
    await clock.advance(60_000);
    expect(sim.all()[0]?.status).toBe('running');
    await sim.stop([id]);
    expect(sim.all()[0]?.status).toBe('stopping');
    await clock.advance(2_000);
    expect(sim.all()[0]?.status).toBe('stopped');
    await sim.start([id]);
    expect(sim.all()[0]?.status).toBe('pending');
    await clock.advance(40_000);
    expect(sim.all()[0]?.status).toBe('running');
  });

  it('paginates list, costing one describe per page, and hides new machines for listDelayMs', async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({ pageSize: 100, listDelayMs: 3000 }, clock);
    await sim.launch(launchRequest('a', 250));
    await sim.launch(launchRequest('b', 10, { tags: { [TAG.cluster]: 'other' } }));
    expect(await sim.list({ cluster: 'c1' })).toHaveLength(0);
    await clock.advance(3000);
    sim.calls.length = 0;
    expect(await sim.list({ cluster: 'c1' })).toHaveLength(250);
    expect(await sim.list({ cluster: 'c1', pools: ['nope'] })).toHaveLength(0);
    expect(sim.calls.map((c) => [c.action, c.count])).toEqual([['list', 100], ['list', 100], ['list', 50], ['list', 0]]);
  });

  it('keeps terminated machines listed for an hour, then forgets them', async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({}, clock);
    const ids = (await sim.launch(launchRequest('a', 2))).launched.map((m) => m.id);
    await sim.terminate([ids[0]!]);
    await clock.advance(2000);
    expect((await sim.list({ cluster: 'c1' })).map((m) => m.status).sort()).toEqual(['pending', 'terminated']);
    await clock.advance(TERMINATED_RETENTION_MS);
    expect((await sim.list({ cluster: 'c1' })).map((m) => m.id)).toEqual([ids[1]]);
    expect((await sim.terminate([ids[0]!])).notFound).toEqual([ids[0]]);
  });

  it('answers a launch token again while one of its machines is known, and forgets it once they have all vanished', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotte-sim-'));
    dirs.push(dir);
    const statePath = join(dir, 'sim.json');
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9));
    const sim = new SimCloud({ statePath, instanceBuckets: roomy }, clock);
    const made = (await sim.launch(launchRequest('li-a', 2))).launched.map((m) => m.id);
    const other = (await sim.launch(launchRequest('li-b', 1))).launched.map((m) => m.id);
    await sim.terminate([made[0]!]);
    // Past its terminating minutes and the hour terminated machines stay listed.
    await clock.advance(TERMINATED_RETENTION_MS + 10 * 60_000);
    await sim.list({ cluster: 'c1' });
    // One of li-a's machines is still known: the token still answers with what it made, and makes nothing.
    expect((await sim.launch(launchRequest('li-a', 2))).launched.map((m) => m.id)).toEqual([made[1]]);
    await sim.terminate([made[1]!]);
    await clock.advance(TERMINATED_RETENTION_MS + 10 * 60_000);
    await sim.list({ cluster: 'c1' });
    // Gone with its machines, from memory and from the saved state: a later launch under it is a new one.
    await sim.start(other);
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { tokens: Record<string, unknown> };
    expect(Object.keys(saved.tokens)).toEqual(['li-b']);
    const again = (await sim.launch(launchRequest('li-a', 1))).launched.map((m) => m.id);
    expect(again).toHaveLength(1);
    expect(made).not.toContain(again[0]);
  });

  it('forgets machines terminated or killed after a list once their hour is up', async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({}, clock);
    const ids = (await sim.launch(launchRequest('a', 3))).launched.map((m) => m.id);
    await clock.advance(60_000);
    // Nothing can vanish yet: lists may skip pruning until an action changes that.
    expect(await sim.list({ cluster: 'c1' })).toHaveLength(3);
    await sim.terminate([ids[0]!]);
    sim.kill([ids[1]!]);
    await clock.advance(TERMINATED_RETENTION_MS - 1000);
    expect(await sim.list({ cluster: 'c1' })).toHaveLength(3);
    await clock.advance(3000);
    expect((await sim.list({ cluster: 'c1' })).map((m) => m.id)).toEqual([ids[2]]);
  });

  it('fails every call during an outage', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    const sim = new SimCloud({ outages: [{ from: t0 + 1000, to: t0 + 2000 }] }, clock);
    await sim.list({ cluster: 'c1' });
    await clock.advance(1000);
    expect(await rejection(sim.list({ cluster: 'c1' }))).toMatchObject({ kind: 'unavailable', retryable: true });
    expect((await rejection(sim.terminate(['x']))).kind).toBe('unavailable');
    await clock.advance(1000);
    await sim.list({ cluster: 'c1' });
    expect(sim.counters.list).toEqual({ ok: 2, throttled: 0, error: 1 });
  });

  it('kills machines at the death rate over virtual hours, and on demand', async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({ deathRatePerHour: 1 }, clock);
    await sim.launch(launchRequest('a', 400));
    await clock.advance(40_000 + 50 * 60_000);
    const dead = (await sim.list({ cluster: 'c1' })).filter((m) => m.status === 'terminated');
    // About 50 min of life each at 1/h: 1 - e^(-5/6) ≈ 57 % dead, kept listed (under an hour ago).
    expect(dead.length).toBeGreaterThan(195);
    expect(dead.length).toBeLessThan(260);
    expect(dead.every((m) => m.fault === 'SimulatedDeath')).toBe(true);
    const alive = sim.all().filter((m) => m.status === 'running');
    sim.kill([alive[0]!.id]);
    expect(sim.all().find((m) => m.id === alive[0]!.id)).toMatchObject({ status: 'terminated', fault: 'SimulatedDeath' });
  });

  it('fails a share of launches into error', async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({ launchFailureRate: 0.3 }, clock);
    await sim.launch(launchRequest('a', 200));
    await clock.advance(40_000);
    const errored = (await sim.list({ cluster: 'c1' })).filter((m) => m.status === 'error');
    expect(errored.length).toBeGreaterThan(40);
    expect(errored.length).toBeLessThan(80);
    expect(errored.every((m) => m.fault === 'SimulatedLaunchFailure')).toBe(true);
  });

  it('runs one-shot faults, throttling storms and reset', async () => {
    const sim = new SimCloud({ throttleShare: 0.5 }, new VirtualClock());
    let throttled = 0;
    for (let i = 0; i < 100; i++) await sim.list({ cluster: 'c1' }).catch((e: unknown) => isProviderError(e, 'throttled') && throttled++);
    expect(throttled).toBeGreaterThan(30);
    expect(throttled).toBeLessThan(70);
    sim.options.throttleShare = 0;
    sim.failNext('launch', new ProviderError('quota', 'VcpuLimitExceeded'));
    expect((await rejection(sim.launch(launchRequest('a', 1)))).kind).toBe('quota');
    await sim.launch(launchRequest('a', 1));
    sim.reset();
    expect(sim.all()).toEqual([]);
    expect(sim.calls).toEqual([]);
    expect((await sim.launch(launchRequest('a', 1))).launched[0]?.id).toBe('sim-00000001');
  });

  it('persists the whole cloud and resumes it from the same statePath', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotte-sim-'));
    dirs.push(dir);
    const statePath = join(dir, 'sim.json');
    const clock = new VirtualClock();
    const sim = new SimCloud({ statePath, deathRatePerHour: 0.1 }, clock);
    const first = await sim.launch(launchRequest('a', 5));
    await sim.terminate([first.launched[0]!.id]);
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ version: 1, counter: 5 });

    const reborn = new SimCloud({ statePath, deathRatePerHour: 0.1 }, clock);
    expect(reborn.all()).toEqual(sim.all());
    const replay = await reborn.launch(launchRequest('a', 5));
    expect(replay.launched.map((m) => m.id)).toEqual(first.launched.map((m) => m.id));
    // The generator resumed too: both clouds draw the same next machine.
    const x = await sim.launch(launchRequest('b', 1));
    const y = await reborn.launch(launchRequest('b', 1));
    expect(y.launched[0]?.id).toBe('sim-00000006');
    expect(reborn.all().at(-1)).toEqual(sim.all().at(-1));
    expect(x.launched[0]?.id).toBe(y.launched[0]?.id);
  });
});
