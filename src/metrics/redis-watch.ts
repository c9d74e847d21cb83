import { Redis } from 'ioredis';
import type { RedisWatch } from '../domain/scaling/spec.js';
import type { RedisKind } from './redis.js';

/**
 * Keyspace events that mean work was added. Removals (pops, deletes) are left to the next
 * evaluation: a scale-in waits for its stabilization window anyway, and a busy queue's
 * consumers pop far more often than producers push.
 */
const ADDITIONS = new Set(['lpush', 'rpush', 'linsert', 'zadd']);

/** Redis's own spelling of "every class" in notify-keyspace-events. */
const ALL_CLASSES = 'g$lshzxetd';

/**
 * The keys whose additions grow a source's count, each with the keyspace-event class Redis
 * needs to announce them; undefined for a stream, whose pending entries grow when consumers
 * read, which Redis does not announce on the stream's key.
 */
export function watchedKeys(kind: RedisKind, key: string, prefix = 'bull'): { key: string; cls: string }[] | undefined {
  switch (kind) {
    case 'list':
      return [{ key, cls: 'l' }];
    case 'bullmq':
      // Where BullMQ keeps jobs no worker took yet: the same two the count reads.
      return [
        { key: `${prefix}:${key}:wait`, cls: 'l' },
        { key: `${prefix}:${key}:prioritized`, cls: 'z' },
      ];
    case 'stream':
      return undefined;
  }
}

/** The flags `notify-keyspace-events` lacks for `classes` (with K, keyspace channels), '' when none. */
export function missingFlags(flags: string, classes: string): string {
  const have = flags.includes('A') ? flags + ALL_CLASSES : flags;
  return [...new Set(`K${classes}`)].filter((c) => !have.includes(c)).join('');
}

export interface KeyspaceWatchOptions {
  url: string;
  kind: RedisKind;
  key: string;
  prefix?: string | undefined;
  mode: Exclude<RedisWatch, 'off'>;
  changed: () => void;
  notice?: ((message: string) => void) | undefined;
}

/**
 * Listens on a connection of its own to the keyspace channels of a source's keys, and calls
 * `changed` on each addition. Off by default in Redis: `auto` listens anyway and says (once,
 * through `notice`) that nothing will come until it is turned on; `enable` turns on the missing
 * flags, keeping those set. Pub/Sub drops what is published while disconnected, so this only
 * brings evaluations forward: the evaluation interval still reads the count.
 */
export function watchKeyspace(o: KeyspaceWatchOptions): { close(): void } {
  const what = `redis ${o.kind} ${o.key}`;
  const keys = watchedKeys(o.kind, o.key, o.prefix);
  if (!keys) {
    if (o.mode === 'enable') o.notice?.(`${what}: Redis does not announce a stream's pending entries, so it is read at each evaluation only (watch: enable has no effect on a stream)`);
    return { close: () => undefined };
  }
  const sub = new Redis(o.url, { lazyConnect: true, connectTimeout: 2_000 });
  sub.on('error', () => undefined); // a down Redis is the reads' error to report
  const db = sub.options.db ?? 0;
  const channels = keys.map((k) => `__keyspace@${db}__:${k.key}`);
  sub.on('message', (_channel: string, event: string) => {
    if (ADDITIONS.has(event)) o.changed();
  });
  const classes = [...new Set(keys.map((k) => k.cls))].join('');
  let told = false;
  const tell = (message: string) => {
    if (told) return;
    told = true;
    o.notice?.(`${what}: ${message}`);
  };
  const checkFlags = async () => {
    let flags: string;
    try {
      flags = ((await sub.config('GET', 'notify-keyspace-events')) as string[])[1] ?? '';
    } catch (e) {
      if (sub.status !== 'ready') throw e; // the connection dropped: set up again on the next
      return tell(`could not read notify-keyspace-events (${(e as Error).message}): listening anyway, but if Redis does not publish keyspace events (K and ${classes}), changes are seen at each evaluation only`);
    }
    const missing = missingFlags(flags, classes);
    if (!missing) return;
    const wanted = `${flags}${missing}`;
    if (o.mode === 'enable') {
      try {
        await sub.config('SET', 'notify-keyspace-events', wanted);
        return;
      } catch (e) {
        if (sub.status !== 'ready') throw e;
        return tell(`could not turn on keyspace events (CONFIG SET notify-keyspace-events ${wanted}: ${(e as Error).message}): changes are seen at each evaluation only; set it on the server (a managed Redis: its parameter group)`);
      }
    }
    tell(`Redis does not publish keyspace events for it (notify-keyspace-events is "${flags}", needs ${missing}): changes are seen at each evaluation only; run CONFIG SET notify-keyspace-events ${wanted} (a managed Redis: its parameter group), or set watch: enable to let flotte do it`);
  };
  // On every (re)connect until set up once; after that ioredis subscribes again by itself.
  let setUp = false;
  sub.on('ready', () => {
    if (setUp) return;
    setUp = true;
    void (async () => {
      await checkFlags();
      try {
        await sub.subscribe(...channels);
      } catch (e) {
        if (sub.status !== 'ready') throw e;
        tell(`could not subscribe to its keyspace channel (${(e as Error).message}): changes are seen at each evaluation only`);
      }
    })().catch(() => {
      setUp = false;
    });
  });
  sub.connect().catch(() => undefined);
  return { close: () => sub.disconnect() };
}
