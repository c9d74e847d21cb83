import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../src/providers/provider.js';
import { POOL, ZONES, controlRig, convergedExactly, type ControlRig } from '../support/aws-control-rig.js';

// A tick lists up to 1,000 instances as XML through the SDK: real work, seconds of it on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

describe('aws: capacity on the EC2 face', () => {
  let r: ControlRig;
  afterEach(async () => r?.close());

  it('a zone with room for only part of the launch: the rest goes to the other zones, desired is reached', async () => {
    r = await controlRig({ sim: { zoneCapacity: { [ZONES[0]!]: 50 } } });
    await r.store.setDesired(POOL, 300);
    await r.tickUntil(() => convergedExactly(r, 300), { maxTicks: 40 });
    const byZone = (z: string) => r.live().filter((m) => m.zone === z).length;
    expect(byZone(ZONES[0]!)).toBe(50);
    expect(byZone(ZONES[1]!) + byZone(ZONES[2]!)).toBe(250);
    expect(r.sim.all()).toHaveLength(300);
    const events = await r.store.listEvents({ pool: POOL });
    expect(events.some((e) => e.reason === 'LaunchFailed' && /InsufficientInstanceCapacity/.test(e.message))).toBe(true);
    expect(events.some((e) => e.reason === 'ZoneUnavailable')).toBe(true);
  });

  it('InsufficientInstanceCapacity for the first type: the next type is tried at once, in the same call', async () => {
    r = await controlRig({ pool: { zones: [ZONES[0]!] } });
    r.sim.failNext('launch', new ProviderError('capacity', 'no m5.large', { code: 'InsufficientInstanceCapacity' }));
    await r.store.setDesired(POOL, 10);
    const ticks = await r.tickUntil(() => convergedExactly(r, 10), { maxTicks: 20 });
    expect(r.live().every((m) => m.size === 'm6i.large' && m.zone === ZONES[0])).toBe(true);
    expect(r.face.count(500, 'RunInstances')).toBe(1);
    expect(r.face.count(200, 'RunInstances')).toBe(1);
    expect((await r.store.listIntents({ pool: POOL })).map((i) => i.status)).toEqual(['done']);
    expect(ticks).toBeGreaterThan(0);
  });
});
