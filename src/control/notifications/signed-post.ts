import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import type { Clock } from '../../clock/clock.js';
import type { Subscription } from '../../domain/notifications.js';

/** Headers a receiver reads; docs/notifications.md shows how it checks them. */
export const HEADER = {
  signature: 'x-flotte-signature',
  timestamp: 'x-flotte-timestamp',
  delivery: 'x-flotte-delivery',
  kind: 'x-flotte-event',
} as const;

/** How much of a receiver's answer is kept: enough to read an error page's first lines. */
const ANSWER_KEPT = 500;

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): the timestamp is signed so a captured request cannot be replayed later as new. */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The key of a subscription (or of a hook's webhook), read where it is sent from; a missing one says which variable or file to provide. */
export async function readSecret(sub: Pick<Subscription, 'secret'>, env: NodeJS.ProcessEnv): Promise<string> {
  if ('env' in sub.secret) {
    const value = env[sub.secret.env];
    if (!value) throw new Error(`secretEnv names ${sub.secret.env}, which is not set where flotte sends webhooks (set it on the controller)`);
    return value;
  }
  try {
    const value = (await readFile(sub.secret.file, 'utf8')).trim();
    if (!value) throw new Error('the file is empty');
    return value;
  } catch (e) {
    throw new Error(`secretFile ${sub.secret.file} cannot be read: ${(e as Error).message}`, { cause: e });
  }
}

export interface PostResult {
  ok: boolean;
  status?: number | undefined;
  /** The start of the receiver's answer. */
  answer?: string | undefined;
  /** Why it failed: an HTTP status, a timeout, a refused connection. */
  error?: string | undefined;
  ms: number;
}

export interface SignedPost {
  url: string;
  body: string;
  secret: string;
  delivery: string;
  kind: string;
  clock: Clock;
  timeoutMs: number;
  /** Shutdown: the request is dropped at once. */
  signal?: AbortSignal | undefined;
  /** Who is calling; `flotte-notifications` when not said. */
  userAgent?: string | undefined;
}

/**
 * One signed POST, cut at `timeoutMs` on the given clock (so a test's virtual clock decides
 * when a hung receiver times out). Never throws: every failure is a result to record.
 */
export async function postSigned(p: SignedPost): Promise<PostResult> {
  const start = p.clock.now();
  const timestamp = String(Math.floor(start / 1000));
  const timeout = new AbortController();
  const timer = new AbortController();
  // Joined, not listened to: a listener per request on the one shutdown signal would pass Node's
  // limit of 10 (the notifier sends 16 at once) and print a leak warning.
  const abort = p.signal ? AbortSignal.any([p.signal, timeout.signal]) : timeout.signal;
  const timedOut = p.clock.sleep(p.timeoutMs, timer.signal).then(
    () => {
      timeout.abort(new Error(`no answer within ${p.timeoutMs} ms`));
      return true;
    },
    () => false,
  );
  try {
    // undici's request, not fetch: a quarter of fetch's CPU a call (measured: 96–170 µs against
    // 362–730 µs a POST on loopback), and the notifier shares its process with the control loop.
    // It follows no redirect, as a signed body must not be re-sent elsewhere.
    const res = await request(p.url, {
      method: 'POST',
      body: p.body,
      signal: abort,
      headers: {
        'content-type': 'application/json',
        'user-agent': p.userAgent ?? 'flotte-notifications',
        [HEADER.signature]: sign(p.secret, timestamp, p.body),
        [HEADER.timestamp]: timestamp,
        [HEADER.delivery]: p.delivery,
        [HEADER.kind]: p.kind,
      },
    });
    const answer = (await res.body.text()).slice(0, ANSWER_KEPT);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return { ok, status: res.statusCode, answer, ...(!ok && { error: `HTTP ${res.statusCode}` }), ms: p.clock.now() - start };
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    const error = p.signal?.aborted ? 'flotte is shutting down' : timeout.signal.aborted ? (timeout.signal.reason as Error).message : `${(e as Error).message}${cause ? `: ${cause}` : ''}`;
    return { ok: false, error, ms: p.clock.now() - start };
  } finally {
    timer.abort();
    await timedOut;
  }
}
