import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queueScenario, scalingRig, scalingSpec } from '../../test/support/scaling.js';
import { redisService, serviceSuite } from '../../test/support/services.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { redisSource } from './redis.js';

const URL = 'redis://127.0.0.1:6379';
const key = (what: string) => `flotte-test:${what}:${randomBytes(4).toString('hex')}`;

await serviceSuite(redisService(), 'autoscaling on a real Redis', () => {
  let redis: Redis;
  const keys: string[] = [];
  beforeAll(() => {
    redis = new Redis(URL);
  });
  afterAll(async () => {
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('list: 10,000 jobs at 100 per machine → 100 machines; drained → in only after the window', async () => {
    const list = key('list');
    keys.push(list);
    const rig = await scalingRig(scalingSpec({ type: 'redis', url: URL, kind: 'list', key: list }));
    try {
      await queueScenario(rig, {
        async fill(n) {
          for (let i = 0; i < n; i += 1_000) await redis.rpush(list, ...Array.from({ length: Math.min(1_000, n - i) }, (_, j) => `job-${i + j}`));
        },
        drain: async () => void (await redis.del(list)),
      });
    } finally {
      await rig.close();
    }
  });

  it('BullMQ: the same with a real BullMQ queue', async () => {
    const name = key('bull').replace(/:/g, '-');
    const queue = new Queue(name, { connection: { host: '127.0.0.1', port: 6379 } });
    const rig = await scalingRig(scalingSpec({ type: 'redis', url: URL, kind: 'bullmq', key: name }));
    try {
      await queueScenario(rig, {
        async fill(n) {
          for (let i = 0; i < n; i += 1_000) await queue.addBulk(Array.from({ length: Math.min(1_000, n - i) }, (_, j) => ({ name: 'work', data: { n: i + j } })));
        },
        drain: () => queue.drain(true),
      });
    } finally {
      await rig.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('stream: pending entries of a consumer group', async () => {
    const stream = key('stream');
    keys.push(stream);
    await redis.xgroup('CREATE', stream, 'workers', '$', 'MKSTREAM');
    for (let i = 0; i < 25; i++) await redis.xadd(stream, '*', 'n', String(i));
    await redis.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', 20, 'STREAMS', stream, '>');
    const source = redisSource(new VirtualClock(), URL, 'stream', stream, { group: 'workers' });
    try {
      expect((await source.read()).value).toBe(20);
    } finally {
      await source.close();
    }
  });

  it('an unreachable Redis is a read error, not a zero', async () => {
    const source = redisSource(new VirtualClock(), 'redis://127.0.0.1:1', 'list', 'x');
    await expect(source.read()).rejects.toThrow(/redis list x/);
    await source.close();
  });
});
