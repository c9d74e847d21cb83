import type { EventReason, FleetEvent } from './types.js';

/**
 * What a notification subscription may ask for, and the event reasons each kind is made of.
 * Notifications read the events table like any other reader, so a kind is only a named set of
 * reasons: nothing in the control loop knows that anyone is subscribed.

 */
export const NOTIFICATION_KIND_REASONS = {
  HealingPaused: ['HealingPaused'],
  ProviderUnavailable: ['ProviderUnavailable'],
  PoolAtMaxWithWorkWaiting: ['PoolAtMax'],
  OperationFailed: ['OperationFailed'],
  OperationSucceeded: ['OperationSucceeded'],
  BudgetHolding: ['BudgetHolding'],
  EnvExpiring: ['EnvExpiring'],
} as const satisfies Record<string, readonly EventReason[]>;

export type NotificationKind = keyof typeof NOTIFICATION_KIND_REASONS;
export const NOTIFICATION_KINDS = Object.keys(NOTIFICATION_KIND_REASONS) as NotificationKind[];

/** A subscription as the delivery worker uses it; its secret is resolved only when it signs. */
export interface Subscription {
  name: string;
  url: string;
  events: readonly NotificationKind[];
  /** Where the HMAC key is read, on the process that sends: an environment variable or a file. */
  secret: { env: string } | { file: string };
}

/** How deliveries are retried: documented data, defaults in NOTIFY_RETRY. */
export interface RetryPolicy {
  /** Sends at most, the first included; then the delivery goes to the dead-letter list. */
  maxAttempts: number;
  /** Wait before the second attempt; doubled each time after. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** One request's limit: a receiver that accepts and never answers costs this, not the worker. */
  timeoutMs: number;
}

export const NOTIFY_RETRY: RetryPolicy = { maxAttempts: 8, initialDelayMs: 5_000, maxDelayMs: 10 * 60_000, timeoutMs: 10_000 };

/** The kinds of `subs` an event matches, as (subscription, kind) pairs. */
export function matchEvent(event: Pick<FleetEvent, 'reason'>, subs: readonly Subscription[]): { subscription: string; kind: NotificationKind }[] {
  const out: { subscription: string; kind: NotificationKind }[] = [];
  for (const s of subs) {
    const kind = s.events.find((k) => (NOTIFICATION_KIND_REASONS[k] as readonly string[]).includes(event.reason));
    if (kind) out.push({ subscription: s.name, kind });
  }
  return out;
}

/**
 * The wait after failed attempt `attempt` (1-based): exponential, capped, with "equal jitter"
 * (half fixed, half random) so receivers that come back together are not hit in lockstep,
 * while a retry never comes sooner than half the nominal wait. `random` is in [0, 1).
 */
export function retryDelay(attempt: number, policy: RetryPolicy, random: number): number {
  const nominal = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + (nominal / 2) * random);
}

/** The JSON a receiver gets: the event as the API shows it, plus what it was sent for. */
export function notificationBody(subscription: string, kind: NotificationKind | 'Test', event: FleetEvent | undefined, now: number): string {
  return JSON.stringify({
    subscription,
    kind,
    sentFor: new Date(now).toISOString(),
    ...(event && { event: { ...event, at: new Date(event.at).toISOString() } }),
  });
}
