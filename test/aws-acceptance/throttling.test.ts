import { afterEach, describe, expect, it, vi } from 'vitest';
import { POOL, controlRig, convergedExactly, type ControlRig } from '../support/aws-control-rig.js';

// A tick lists up to 1,000 instances as XML through the SDK: real work, seconds of it on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

describe('aws: throttling per EC2 buckets on the EC2 face', () => {
  let r: ControlRig;
  afterEach(async () => r?.close());

  it('0 → 1,000 converges with few throttled calls (reported)', async () => {
    r = await controlRig();
    await r.store.setDesired(POOL, 1000);
    const ticks = await r.tickUntil(() => convergedExactly(r, 1000), { maxTicks: 100, stepMs: 2_000 });
    const stats = r.limited.stats();
    const throttled = r.face.count(503);
    const total = [...r.face.requests.values()].reduce((n, m) => n + [...m.values()].reduce((a, b) => a + b, 0), 0);
    console.log(JSON.stringify({ scenario: '0→1000', ticks, virtualSeconds: ticks * 2, requests: total, throttled, byAction: Object.fromEntries([...r.face.requests].map(([a, m]) => [a, Object.fromEntries(m)])), limiter: { calls: stats.calls, throttled: stats.throttled, retried: stats.retried } }));
    expect(r.sim.all()).toHaveLength(1000);
    expect(throttled).toBeLessThanOrEqual(5);
  });
});

describe('aws: throttling storm on the EC2 face', () => {
  let r: ControlRig;
  afterEach(async () => r?.close());

  it('0 → 1,000 still converges when 10 % of all calls are throttled at random (reported)', async () => {
    r = await controlRig({ sim: { throttleShare: 0.1 } });
    await r.store.setDesired(POOL, 1000);
    const ticks = await r.tickUntil(() => convergedExactly(r, 1000), { maxTicks: 100, stepMs: 2_000 });
    const stats = r.limited.stats();
    console.log(JSON.stringify({ scenario: '0→1000, 10% storm', ticks, virtualSeconds: ticks * 2, throttled: r.face.count(503), byAction: Object.fromEntries([...r.face.requests].map(([a, m]) => [a, Object.fromEntries(m)])), limiter: { calls: stats.calls, throttled: stats.throttled, retried: stats.retried } }));
    expect(r.sim.all()).toHaveLength(1000);
  });
});
