import type { Clock } from '../clock/clock.js';
import type { HookWebhook } from '../control/hooks/webhook.js';
import { postSigned, readSecret } from '../control/notifications/signed-post.js';

/** How much of a refusing receiver's answer an event keeps. */
const ANSWER_SHOWN = 200;

/**
 * Lifecycle hook webhooks, signed as notifications are (HMAC-SHA256 over `timestamp.body`, the
 * same headers), their key read on the controller from the variable or file the hook names.
 * Wired here so the tick path imports no sender (see HookWebhook).
 */
export function hookWebhook(clock: Clock, env: NodeJS.ProcessEnv = process.env): HookWebhook {
  return async (call) => {
    let secret: string;
    try {
      secret = await readSecret({ secret: call.secret }, env);
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    const r = await postSigned({ url: call.url, body: call.body, secret, delivery: call.delivery, kind: call.kind, clock, timeoutMs: call.timeoutMs, signal: call.signal, userAgent: 'flotte-hooks' });
    const said = r.answer?.trim().slice(0, ANSWER_SHOWN);
    return { ok: r.ok, ...(r.status !== undefined && { status: r.status }), ...(r.error !== undefined && { error: said ? `${r.error}: ${said}` : r.error }) };
  };
}
