import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Clock } from '../clock/clock.js';
import type { MetricSample } from '../domain/scaling/decision.js';
import type { RedisWatch } from '../domain/scaling/spec.js';
import { watchKeyspace } from './redis-watch.js';
import { MetricReadError, type MetricSource } from './source.js';

export type RedisKind = 'list' | 'bullmq' | 'stream';

export interface RedisSourceOptions {
  group?: string | undefined;
  prefix?: string | undefined;
  /** Keyspace notifications (redis-watch.ts); `auto` when absent. */
  watch?: RedisWatch | undefined;
  /** Told on each addition Redis announces; nothing is listened to without it. */
  changed?: (() => void) | undefined;
  notice?: ((message: string) => void) | undefined;
}

/** Fail a read fast when Redis is down instead of queueing commands until it returns. */
const REDIS_OPTIONS = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 } as const;

/**
 * Queue depth in Redis:
 * - `list`: LLEN of `key`;
 * - `bullmq`: jobs waiting in the BullMQ queue named `key` (waiting + prioritized: both are
 *   work no worker has taken yet), read through BullMQ itself so its key layout is its own;
 * - `stream`: entries delivered to consumer group `group` of stream `key` and not yet acknowledged.
 */
export function redisSource(clock: Clock, url: string, kind: RedisKind, key: string, opts: RedisSourceOptions = {}): MetricSource {
  const { changed, watch = 'auto' } = opts;
  // Without anyone to tell (a one-off read), there is nothing to listen for.
  const watcher = changed && watch !== 'off' ? watchKeyspace({ url, kind, key, prefix: opts.prefix, mode: watch, changed, notice: opts.notice }) : undefined;
  const redis = new Redis(url, REDIS_OPTIONS);
  redis.on('error', () => undefined); // surfaced by the failing read instead
  let queue: Queue | undefined;
  const ready = async () => {
    if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
  };
  const count = async (): Promise<number> => {
    switch (kind) {
      case 'list':
        return redis.llen(key);
      case 'stream': {
        if (!opts.group) throw new MetricReadError('a stream source needs a consumer group');
        const [pending] = (await redis.xpending(key, opts.group)) as [number, ...unknown[]];
        return Number(pending);
      }
      case 'bullmq': {
        queue ??= new Queue(key, { connection: redis, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
        return queue.getJobCountByTypes('waiting', 'prioritized');
      }
    }
  };
  return {
    async read(): Promise<MetricSample> {
      try {
        await ready();
        const value = await count();
        return { value, at: clock.now() };
      } catch (e) {
        throw e instanceof MetricReadError ? e : new MetricReadError(`redis ${kind} ${key}: ${(e as Error).message}`);
      }
    },
    async close() {
      watcher?.close();
      await queue?.close().catch(() => undefined);
      redis.disconnect();
    },
  };
}
