import { afterEach, describe, expect, it, vi } from 'vitest';
import { CAPACITY_BACKOFF_MS } from '../../src/control/constants.js';
import { ProviderError } from '../../src/providers/provider.js';
import { POOL, ZONES, controlRig, type ControlRig } from '../support/aws-control-rig.js';

vi.setConfig({ testTimeout: 240_000 });

describe('aws: a zone out of capacity is remembered once', () => {
  let r: ControlRig;
  afterEach(async () => r?.close());

  it('each time the memory runs out, the next launch really asks EC2 (no round spent on a refusal without a call)', async () => {
    r = await controlRig({ sim: { zoneCapacity: { [ZONES[0]!]: 0 } }, pool: { zones: [ZONES[0]!] }, sizes: ['m5.large'] });
    // The first RunInstances is throttled a few times, so its capacity error comes seconds into its tick, as under load.
    r.sim.failNext('launch', new ProviderError('throttled', 'Request limit exceeded.', { code: 'RequestLimitExceeded' }), 5);
    await r.store.setDesired(POOL, 3);
    const start = r.clock.now();
    while (r.clock.now() - start < 3.5 * CAPACITY_BACKOFF_MS) {
      await r.tick();
      await r.clock.advance(1_000);
    }
    const rounds = (await r.store.listEvents({ pool: POOL })).filter((e) => e.reason === 'ZoneUnavailable');
    const asked = r.face.count(500, 'RunInstances') + r.face.count(400, 'RunInstances');
    // One round when the zone was first refused, then one each time the memory ran out: each a real call.
    expect(rounds.length).toBeGreaterThanOrEqual(3);
    expect(asked).toBe(rounds.length);
    expect(r.live()).toEqual([]);
  });
});
