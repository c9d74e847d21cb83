import type { Logger } from 'pino';
import type { Clock } from '../../clock/clock.js';
import { appliedNotifications } from '../../config/applied.js';
import { matchEvent, notificationBody, NOTIFY_RETRY, retryDelay, type RetryPolicy, type Subscription } from '../../domain/notifications.js';
import type { FleetEvent } from '../../domain/types.js';
import type { ConfigPort, Delivery, DeliveryOutcome, EventsPort, NewDelivery, WithNotifications } from '../../store/ports.js';
import { postSigned, readSecret } from './signed-post.js';

/** Between two rounds: a page at 3 am may wait this long, not more. */
export const NOTIFY_POLL_MS = 2_000;
/** Events read per round, and deliveries sent at once per round. */
export const NOTIFY_BATCH = 500;
export const NOTIFY_PARALLEL = 16;
/**
 * How long a hole in the event ids is waited for. On PostgreSQL an id is taken at insert but seen
 * at commit, so a slower transaction can show a lower id after a higher one: the tail stops at
 * the hole until it fills or this passes (a rolled-back insert leaves a hole that never fills).
 */
export const NOTIFY_GAP_WAIT_MS = 10_000;
/** The cursor's name in notification_cursor: one tail for every webhook subscription. */
const CURSOR = 'webhooks';

export interface NotifierOptions {
  store: ConfigPort & EventsPort & WithNotifications;
  clock: Clock;
  log: Logger;
  /** This process, as claims name it: two controllers never send one delivery at once. */
  holder: string;
  policy?: RetryPolicy | undefined;
  pollMs?: number | undefined;
  /** Jitter source in [0, 1). */
  random?: (() => number) | undefined;
  /** Where `secretEnv` is read; the process's own environment by default. */
  env?: NodeJS.ProcessEnv | undefined;
}

/** What one round did. */
export interface NotifyRound {
  enqueued: number;
  sent: Array<{ id: string; ok: boolean; error?: string | undefined }>;
}

/**
 * Sends notification webhooks beside the control loop, never inside it: it tails the events
 * table by id from a stored cursor, enqueues a delivery per matching subscription, and sends
 * what is due, each attempt claimed first (a lease longer than the request's timeout) so
 * several controllers never send one delivery at once. A 2xx is recorded before the next
 * round; a crash between the answer and that write sends it again, with the same delivery id.
 */
export class Notifier {
  private readonly policy: RetryPolicy;
  /** The hole the tail is stopped at, and since when. */
  private gap: { after: number; since: number } | undefined;

  constructor(private readonly o: NotifierOptions) {
    this.policy = o.policy ?? NOTIFY_RETRY;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.runOnce(signal).catch((err: unknown) => this.o.log.error({ err }, 'notifications round failed'));
      await this.o.clock.sleep(this.o.pollMs ?? NOTIFY_POLL_MS, signal).catch(() => undefined);
    }
  }

  /** One round at the clock's time: read new events, then send what is due. */
  async runOnce(signal?: AbortSignal): Promise<NotifyRound> {
    const subs = appliedNotifications(await this.o.store.currentConfig());
    const enqueued = await this.tail(subs);
    const sent: NotifyRound['sent'] = [];
    const due = await this.o.store.notifications.due(this.o.clock.now(), NOTIFY_BATCH);
    for (let i = 0; i < due.length && !signal?.aborted; i += NOTIFY_PARALLEL) {
      sent.push(...(await Promise.all(due.slice(i, i + NOTIFY_PARALLEL).map((d) => this.attempt(d, subs, signal)))).filter((s) => s !== undefined));
    }
    return { enqueued, sent };
  }

  /** The first round starts at the newest event: subscribing does not replay history. */
  private async tail(subs: readonly Subscription[]): Promise<number> {
    const { store, clock } = this.o;
    const cursor = await store.notifications.cursor(CURSOR);
    if (cursor === undefined) {
      await store.notifications.enqueue(CURSOR, [], await store.latestEventId());
      return 0;
    }
    const now = clock.now();
    const events = this.contiguous(cursor, await store.listEvents({ after: cursor, limit: NOTIFY_BATCH }), now);
    if (events.length === 0) return 0;
    const deliveries: NewDelivery[] = events.flatMap((e) =>
      matchEvent(e, subs).map((m) => ({ id: `${e.id}-${m.subscription}`, subscription: m.subscription, kind: m.kind, event: e.id, pool: e.pool, body: notificationBody(m.subscription, m.kind, e, now), createdAt: now })),
    );
    await store.notifications.enqueue(CURSOR, deliveries, events.at(-1)!.id);
    return deliveries.length;
  }

  /** The events up to the first hole in the ids, unless that hole has been waited for long enough. */
  private contiguous(cursor: number, events: FleetEvent[], now: number): FleetEvent[] {
    let last = cursor;
    for (let i = 0; i < events.length; i++) {
      const id = events[i]!.id;
      if (id !== last + 1) {
        if (this.gap?.after !== last) this.gap = { after: last, since: now };
        if (now - this.gap.since < NOTIFY_GAP_WAIT_MS) return events.slice(0, i);
      }
      last = id;
    }
    return events;
  }

  private async attempt(d: Delivery, subs: readonly Subscription[], signal: AbortSignal | undefined): Promise<NotifyRound['sent'][number] | undefined> {
    const { store, clock, holder } = this.o;
    const now = clock.now();
    // The lease outlives the request, so nobody else sends while this one may still be answered.
    if (!(await store.notifications.claim(d.id, holder, now, now + 2 * this.policy.timeoutMs))) return undefined;
    const sub = subs.find((s) => s.name === d.subscription);
    let result: { ok: boolean; status?: number | undefined; error?: string | undefined };
    if (!sub) result = { ok: false, error: `subscription ${d.subscription} is no longer in flotte.yaml` };
    else {
      try {
        const secret = await readSecret(sub, this.o.env ?? process.env);
        result = await postSigned({ url: sub.url, body: d.body, secret, delivery: d.id, kind: d.kind, clock, timeoutMs: this.policy.timeoutMs, signal });
      } catch (e) {
        result = { ok: false, error: (e as Error).message };
      }
    }
    // Cut by shutdown: not an attempt. The claim lapses and the next sender tries again.
    if (signal?.aborted) return undefined;
    const outcome = this.outcome(d, result, sub !== undefined);
    await store.notifications.settle(d.id, holder, outcome);
    if (outcome.status === 'dead') this.o.log.warn({ delivery: d.id, error: result.error }, 'notification dead-lettered');
    return { id: d.id, ok: result.ok, error: result.error };
  }

  private outcome(d: Delivery, r: { ok: boolean; status?: number | undefined; error?: string | undefined }, known: boolean): DeliveryOutcome {
    const at = this.o.clock.now();
    const base = { at, ...(r.error !== undefined && { error: r.error }), ...(r.status !== undefined && { httpStatus: r.status }) };
    if (r.ok) return { ...base, status: 'delivered', nextAt: at };
    const attempt = d.attempts + 1;
    if (!known || attempt >= this.policy.maxAttempts) return { ...base, status: 'dead', nextAt: at };
    return { ...base, status: 'pending', nextAt: at + retryDelay(attempt, this.policy, (this.o.random ?? Math.random)()) };
  }
}
