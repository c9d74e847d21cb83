import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { appliedConfig, poolSpec, simTemplate } from '../../test/support/builders.js';
import { scalingSpec } from '../../test/support/scaling.js';
import { redisService, serviceSuite } from '../../test/support/services.js';
import { testStore } from '../../test/support/test-env.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { Autoscaler } from '../control/autoscaler.js';
import { CHANGE_EVALUATION_GAP_MS } from '../control/constants.js';
import type { MetricSourceSpec } from '../domain/scaling/spec.js';
import type { Store } from '../store/store.js';
import { missingFlags, watchedKeys } from './redis-watch.js';

const URL = 'redis://127.0.0.1:6379';
const FLAGS = 'notify-keyspace-events';

/** How long to wait for what a change sets off: generous for a loaded machine; no figure here is a timing claim. */
const WAIT = { timeout: 10_000, interval: 20 };

describe('which keyspace events a source needs', () => {
  it('K and the class of each watched key, with A standing for every class', () => {
    expect(missingFlags('', 'l')).toBe('Kl');
    expect(missingFlags('Kl', 'l')).toBe('');
    expect(missingFlags('El', 'lz')).toBe('Kz');
    expect(missingFlags('AK', 'lz')).toBe('');
    expect(missingFlags('AE', 'l')).toBe('K');
  });

  it("a list is its key; a BullMQ queue is its wait list and prioritized set; a stream's pending entries are not announced", () => {
    expect(watchedKeys('list', 'jobs')).toEqual([{ key: 'jobs', cls: 'l' }]);
    expect(watchedKeys('bullmq', 'mail', 'app')).toEqual([
      { key: 'app:mail:wait', cls: 'l' },
      { key: 'app:mail:prioritized', cls: 'z' },
    ]);
    expect(watchedKeys('stream', 's')).toBeUndefined();
  });
});

/**
 * The pool is evaluated every 60 s on a virtual clock that never reaches the next evaluation:
 * a scale-out after an LPUSH is the keyspace notification's doing.
 */
await serviceSuite(redisService(), 'Redis keyspace notifications on a real Redis', () => {
  let redis: Redis;
  let original: string;
  const keys: string[] = [];
  const running: { stop(): Promise<void> }[] = [];
  const key = (what: string) => {
    const k = `flotte-test:${what}:${randomBytes(4).toString('hex')}`;
    keys.push(k);
    return k;
  };
  beforeAll(async () => {
    redis = new Redis(URL);
    original = ((await redis.config('GET', FLAGS)) as string[])[1] ?? '';
  });
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
  });
  afterAll(async () => {
    await redis.config('SET', FLAGS, original);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  async function start(metric: MetricSourceSpec): Promise<{ store: Store; clock: VirtualClock; desired(): Promise<number> }> {
    const clock = new VirtualClock();
    const store = await testStore(appliedConfig({ templates: [simTemplate({ zones: ['sim-a'] })], pools: [poolSpec({ max: 100, zones: ['sim-a'], scaling: scalingSpec(metric, { evaluationInterval: 60 }) })] }), clock);
    const autoscaler = new Autoscaler({ store, clock, log: pino({ level: 'silent' }) });
    const stop = new AbortController();
    const loop = autoscaler.run(stop.signal);
    running.push({
      async stop() {
        stop.abort();
        await clock.advance(0);
        await loop;
        await store.close();
      },
    });
    // The first evaluation (an empty queue) opens the source; then past the change gap, far inside the interval.
    await vi.waitFor(async () => expect(await store.listDecisions({ pool: 'analysis' })).toHaveLength(1), WAIT);
    await clock.advance(1_000);
    return { store, clock, desired: async () => (await store.getPool('analysis'))!.desired };
  }

  /** Subscribed: Redis counts a listener on the key's keyspace channel. */
  const listened = async (k: string) => {
    const [, n] = (await redis.pubsub('NUMSUB', `__keyspace@0__:${k}`)) as [string, number];
    return n;
  };

  it('watch: enable turns keyspace events on, keeping the flags set, and an LPUSH crossing the target scales out at once', async () => {
    await redis.config('SET', FLAGS, 'Eg');
    const list = key('enable');
    const p = await start({ type: 'redis', url: URL, kind: 'list', key: list, watch: 'enable' });
    await vi.waitFor(async () => expect(await listened(list)).toBe(1), WAIT);
    expect([...(((await redis.config('GET', FLAGS)) as string[])[1] ?? '')].sort()).toEqual([...'EgKl'].sort());
    await redis.lpush(list, ...Array.from({ length: 1_000 }, (_, i) => `job-${i}`));
    await vi.waitFor(async () => expect(await p.desired()).toBe(10), WAIT);
    expect((await p.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'MetricNotWatched')).toEqual([]);
  });

  it('watch: auto with keyspace events off leaves the server alone and says once, in an event, how to turn them on', async () => {
    await redis.config('SET', FLAGS, '');
    const list = key('auto-off');
    const p = await start({ type: 'redis', url: URL, kind: 'list', key: list });
    await vi.waitFor(async () => expect((await p.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'MetricNotWatched')).toHaveLength(1), WAIT);
    const [event] = (await p.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'MetricNotWatched');
    expect(event!.message).toBe(
      `metric backlog: redis list ${list}: Redis does not publish keyspace events for it (notify-keyspace-events is "", needs Kl): changes are seen at each evaluation only; run CONFIG SET notify-keyspace-events Kl (a managed Redis: its parameter group), or set watch: enable to let flotte do it`,
    );
    expect(((await redis.config('GET', FLAGS)) as string[])[1]).toBe('');
  });

  it('watch: auto where the operator turned them on: a BullMQ job added crosses the target and scales out at once', async () => {
    await redis.config('SET', FLAGS, 'Klz');
    const name = key('bull').replace(/:/g, '-');
    const queue = new Queue(name, { connection: { host: '127.0.0.1', port: 6379 } });
    try {
      const p = await start({ type: 'redis', url: URL, kind: 'bullmq', key: name });
      await vi.waitFor(async () => expect(await listened(`bull:${name}:wait`)).toBe(1), WAIT);
      await queue.addBulk(Array.from({ length: 500 }, (_, i) => ({ name: 'work', data: { i } })));
      // The first notification evaluates at once, perhaps partway through the bulk add; the rest
      // of the storm is read one change gap later (far inside the 60 s interval).
      await vi.waitFor(async () => expect(await p.desired()).toBeGreaterThan(0), WAIT);
      await p.clock.advance(CHANGE_EVALUATION_GAP_MS);
      await vi.waitFor(async () => expect(await p.desired()).toBe(5), WAIT);
      expect((await p.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'MetricNotWatched')).toEqual([]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('watch: off listens to nothing: the LPUSH waits for the next evaluation', async () => {
    await redis.config('SET', FLAGS, 'Kl');
    const list = key('off');
    const p = await start({ type: 'redis', url: URL, kind: 'list', key: list, watch: 'off' });
    expect(await listened(list)).toBe(0);
    await redis.lpush(list, ...Array.from({ length: 300 }, (_, i) => `job-${i}`));
    await p.clock.advance(0);
    expect(await p.desired()).toBe(0);
    await p.clock.advance(59_000);
    await vi.waitFor(async () => expect(await p.desired()).toBe(3), WAIT);
  });
});
