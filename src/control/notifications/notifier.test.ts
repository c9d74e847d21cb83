import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../../test/support/services.js';
import { localBase } from '../../../test/support/local.js';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { parseConfig } from '../../config/load.js';
import type { RetryPolicy } from '../../domain/notifications.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import type { KyselyStore } from '../../store/kysely-store.js';
import { Notifier, NOTIFY_GAP_WAIT_MS } from './notifier.js';

const NOW = Date.UTC(2026, 11, 7, 3, 0);
const SECRET = 'whsec-3f9a1c';
const log = pino({ level: 'silent' });
const POLICY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 1_000, maxDelayMs: 60_000, timeoutMs: 2_000 };

interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real webhook receiver on a free port: `answer` decides each request's fate by its index (undefined: never answer). */
async function receiver(clock: VirtualClock, answer: (n: number) => number | undefined) {
  const got: Received[] = [];
  const waiting: Array<() => void> = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const status = answer(got.length);
      got.push({ at: clock.now(), headers: req.headers, body });
      waiting.splice(0).forEach((w) => w());
      if (status !== undefined) res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'thanks' : 'receiver broke');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/flotte`,
    got,
    /** Resolves once the receiver holds `n` requests. */
    requests: (n: number) => new Promise<void>((r) => (got.length >= n ? r() : waiting.push(() => got.length >= n && r()))),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** The receiver's side of docs/notifications.md, written out again: the test trusts nothing of the sender's code. */
function validSignature(r: Received, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${String(r.headers['x-flotte-timestamp'])}.${r.body}`).digest('hex')}`);
  const given = Buffer.from(String(r.headers['x-flotte-signature']));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function notifierSuite(open: () => Promise<Store>): void {
  let store: Store;
  let clock: VirtualClock;
  let closeReceiver: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    store = await open();
    clock = new VirtualClock(NOW);
  });
  afterEach(async () => {
    await closeReceiver?.();
    await store.close();
  });

  const setUp = async (answer: (n: number) => number | undefined, policy = POLICY) => {
    const rx = await receiver(clock, answer);
    closeReceiver = rx.close;
    const yaml = `${localBase('notify')}pools: {}\nnotifications:\n  subscriptions:\n    oncall:\n      url: ${rx.url}\n      secretEnv: ONCALL_SECRET\n      events: [HealingPaused, OperationFailed]\n`;
    const parsed = parseConfig(yaml, 'flotte.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await store.applyConfig(parsed.applied, NOW);
    const notifier = new Notifier({ store, clock, log, holder: 'ctl-a', policy, random: () => 0.5, env: { ONCALL_SECRET: SECRET } });
    // The first round only places the cursor at the newest event: history is never replayed.
    await store.appendEvents([{ at: NOW - 60_000, pool: 'workers', reason: 'HealingPaused', message: 'from before the subscription' }]);
    expect(await notifier.runOnce()).toEqual({ enqueued: 0, sent: [] });
    await store.appendEvents([
      { at: NOW, pool: 'workers', reason: 'Launched', message: 'not subscribed to' },
      { at: NOW, pool: 'workers', reason: 'HealingPaused', message: 'healing paused: 6 of 10 machines failed within 5 min', data: { failed: 6 } },
    ]);
    return { rx, notifier };
  };

  it('a receiver that fails 3 times (HTTP 500) gets the event exactly once more, with a valid signature, on a backoff schedule', async () => {
    const { rx, notifier } = await setUp((n) => (n < 3 ? 500 : 200));
    for (let round = 0; round < 10; round++) {
      await notifier.runOnce();
      const [d] = await store.notifications.listDeliveries({});
      if (d!.status !== 'pending') break;
      await clock.advanceTo(d!.nextAt);
    }
    // Rounds long after send nothing more: a 2xx is final.
    for (let i = 0; i < 3; i++) {
      await clock.advance(3_600_000);
      expect((await notifier.runOnce()).sent).toEqual([]);
    }

    expect(rx.got).toHaveLength(4);
    // Equal jitter at random 0.5: three quarters of 1 s, 2 s, 4 s.
    expect(rx.got.map((r) => r.at - NOW)).toEqual([0, 750, 750 + 1_500, 750 + 1_500 + 3_000]);
    const ids = new Set(rx.got.map((r) => r.headers['x-flotte-delivery']));
    expect(ids.size).toBe(1);
    expect(new Set(rx.got.map((r) => r.body)).size).toBe(1);
    for (const r of rx.got) expect(validSignature(r, SECRET)).toBe(true);
    expect(validSignature(rx.got[3]!, 'another-secret')).toBe(false);
    expect(rx.got[3]!.headers['x-flotte-timestamp']).toBe(String(Math.floor((NOW + 5_250) / 1000)));
    const body = JSON.parse(rx.got[3]!.body) as { subscription: string; kind: string; event: { reason: string; pool: string; message: string; at: string; data: unknown } };
    expect(body).toMatchObject({ subscription: 'oncall', kind: 'HealingPaused', event: { reason: 'HealingPaused', pool: 'workers', at: new Date(NOW).toISOString(), data: { failed: 6 } } });

    const [d] = await store.notifications.listDeliveries({});
    expect(d).toMatchObject({ status: 'delivered', attempts: 4, lastStatus: 200, lastError: 'HTTP 500', deliveredAt: NOW + 5_250 });
  });

  it('a receiver that accepts and never answers ends in the dead-letter list after the attempts, each cut at the timeout', async () => {
    const policy = { ...POLICY, maxAttempts: 3 };
    const { rx, notifier } = await setUp(() => undefined, policy);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const round = notifier.runOnce();
      await rx.requests(attempt);
      await clock.advance(policy.timeoutMs);
      expect((await round).sent).toEqual([expect.objectContaining({ ok: false, error: 'no answer within 2000 ms' })]);
      const [d] = await store.notifications.listDeliveries({});
      if (d!.status === 'pending') await clock.advanceTo(d!.nextAt);
    }
    expect(await store.notifications.listDeliveries({ status: 'pending' })).toEqual([]);
    const dead = await store.notifications.listDeliveries({ status: 'dead' });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ subscription: 'oncall', kind: 'HealingPaused', attempts: 3, lastError: 'no answer within 2000 ms' });
    expect(dead[0]!.lastStatus).toBeUndefined();
    // Dead stays dead.
    await clock.advance(3_600_000);
    expect((await notifier.runOnce()).sent).toEqual([]);
    expect(rx.got).toHaveLength(3);
  });

  it('two controllers tailing and sending at once deliver each event once', async () => {
    const { rx, notifier } = await setUp(() => 200);
    const other = new Notifier({ store, clock, log, holder: 'ctl-b', policy: POLICY, env: { ONCALL_SECRET: SECRET } });
    const [a, b] = await Promise.all([notifier.runOnce(), other.runOnce()]);
    expect(a.sent.length + b.sent.length).toBe(1);
    expect(rx.got).toHaveLength(1);
    expect(await store.notifications.listDeliveries({})).toHaveLength(1);
  });

  it('an event that commits after a higher id was read (PostgreSQL commit order) is still sent; a hole that never fills is passed after the wait', async () => {
    const { rx, notifier } = await setUp(() => 200);
    const db = (store as KyselyStore).kysely;
    const [healing] = (await store.listEvents({})).filter((e) => e.reason === 'HealingPaused').slice(-1);
    // As if the HealingPaused insert were still uncommitted while a later event is already visible.
    await db.deleteFrom('events').where('id', '=', healing!.id).execute();
    await store.appendEvents([{ at: NOW, pool: 'workers', reason: 'OperationFailed', message: 'operation op-1 (replace) rolled-back' }]);
    expect((await notifier.runOnce()).enqueued).toBe(0);
    await db.insertInto('events').values({ id: healing!.id, at: healing!.at, pool: healing!.pool, reason: healing!.reason, message: healing!.message, machine: null }).execute();
    await clock.advance(1_000);
    expect((await notifier.runOnce()).enqueued).toBe(2);
    expect(rx.got.map((r) => JSON.parse(r.body) as { kind: string }).map((b) => b.kind)).toEqual(['HealingPaused', 'OperationFailed']);

    // A hole that never fills (a rolled-back insert): waited for, then passed.
    const [gone] = await store.appendEvents([{ at: NOW, pool: 'workers', reason: 'HealingPaused', message: 'rolled back' }]);
    await db.deleteFrom('events').where('id', '=', gone!.id).execute();
    await store.appendEvents([{ at: NOW, pool: 'workers', reason: 'HealingPaused', message: 'after the hole' }]);
    expect((await notifier.runOnce()).enqueued).toBe(0);
    await clock.advance(NOTIFY_GAP_WAIT_MS);
    expect((await notifier.runOnce()).enqueued).toBe(1);
  });

  it('a missing secret fails the attempt saying which variable to set', async () => {
    const { rx } = await setUp(() => 200);
    const bare = new Notifier({ store, clock, log, holder: 'ctl-a', policy: POLICY, env: {} });
    const round = await bare.runOnce();
    expect(round.sent[0]!.error).toMatch(/secretEnv names ONCALL_SECRET, which is not set/);
    expect(rx.got).toHaveLength(0);
  });
}

describe('notification delivery on SQLite', () => {
  notifierSuite(() => openStore(':memory:'));
});

await serviceSuite(postgresService(), `notification delivery on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  notifierSuite(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });
});
