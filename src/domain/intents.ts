/**
 * What to do with an open launch intent, from what the cloud shows of it. A cloud's idempotency
 * token is not relied on alone: an endpoint may forget it and launch everything again.
 *
 * - `closed`: every machine asked for is seen; close it without a call.
 * - `wait`: sent too recently for the cloud's list to be trusted (eventual consistency); its
 *   missing machines count as in flight.
 * - `resend`: nothing of it seen a full wait after its last send: send it again, unchanged.
 * - `follow-up`: part of it seen a full wait after its last send: close it and launch only the
 *   missing machines as a new intent with its own token. Re-sending the same token with a smaller
 *   count would be refused by EC2 (IdempotentParameterMismatch), and with the same count would
 *   launch the seen machines again on a cloud that forgot the token.
 */
export type IntentVerdict =
  | { kind: 'closed'; made: number }
  | { kind: 'wait'; missing: number }
  | { kind: 'resend'; missing: number }
  | { kind: 'follow-up'; made: number; missing: number };

/**
 * `made` counts the intent's machines the cloud lists (by their intent tag, in any state) or
 * the controller recorded; `lastSentAt` is its last send, or when this controller first saw it
 * open (it may have been sent just before a crash); `waitMs` is how long after a send the list
 * must be trusted to show what the send made.
 */
export function resolveIntent(count: number, made: number, lastSentAt: number, now: number, waitMs: number): IntentVerdict {
  if (made >= count) return { kind: 'closed', made };
  const missing = count - made;
  if (now - lastSentAt < waitMs) return { kind: 'wait', missing };
  return made === 0 ? { kind: 'resend', missing } : { kind: 'follow-up', made, missing };
}
