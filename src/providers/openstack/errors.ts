import { ProviderError, type ProviderErrorKind } from '../provider.js';
import { OpenStackApiError } from './api-error.js';
import { ConnectionError } from './http.js';

/** Nova's words for "over quota" (403 since Ocata, 413 before), e.g. "Quota exceeded for instances: …". */
const QUOTA_RE = /quota exceeded|exceeds? (?:the )?quota|over ?quota|quota_exceeded|QuotaError/i;
/** The scheduler's verdict in a server's fault when no host can take it. */
const NO_VALID_HOST_RE = /no valid host/i;

/**
 * Translates whatever an OpenStack call threw into flotte's closed error set. `secrets` are
 * scrubbed from the message: an error may quote a URL or body, and passwords must never
 * reach logs, events or the API.
 */
export function toProviderError(e: unknown, secrets: readonly string[] = []): ProviderError {
  if (e instanceof ProviderError) return e;
  if (e instanceof ConnectionError) return new ProviderError('unavailable', scrub(e.message, secrets), { code: 'ConnectionError' });
  if (!(e instanceof OpenStackApiError)) {
    return new ProviderError('unavailable', scrub(e instanceof Error ? e.message : String(e), secrets), { code: 'Unexpected' });
  }
  const { kind, code } = classify(e.status, e.message, e.retryAfterMs);
  const details = { code, ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}) };
  return new ProviderError(kind, scrub(e.message, secrets), details);
}

/** The status-and-message table, on its own so it reads (and is tested) as one. */
export function classify(status: number, message: string, retryAfter?: number): { kind: ProviderErrorKind; code: string } {
  if (status === 429) return { kind: 'throttled', code: 'TooManyRequests' };
  if (status === 413) {
    // Before Ocata Nova said 413 both for quota and for its old rate limiter (with Retry-After).
    return retryAfter !== undefined && !QUOTA_RE.test(message) ? { kind: 'throttled', code: 'OverLimit' } : { kind: 'quota', code: 'QuotaExceeded' };
  }
  if (status === 403) return QUOTA_RE.test(message) ? { kind: 'quota', code: 'QuotaExceeded' } : { kind: 'auth', code: 'Forbidden' };
  if (status === 401) return { kind: 'auth', code: 'Unauthorized' };
  if (status === 404) return { kind: 'not-found', code: 'NotFound' };
  // A task-state conflict ("Cannot 'reboot' instance … while it is in task_state powering-off") clears by itself.
  if (status === 409) return { kind: 'unavailable', code: 'Conflict' };
  if (status >= 500 && NO_VALID_HOST_RE.test(message)) return { kind: 'capacity', code: 'NoValidHost' };
  if (status >= 500) return { kind: 'unavailable', code: `HTTP${status}` };
  if (status === 400 || status === 422) return { kind: 'invalid', code: 'BadRequest' };
  return { kind: 'invalid', code: `HTTP${status}` };
}

/** A server's `fault` read as an error: what a launch that ended in ERROR failed with. */
export function faultError(fault: { code?: number; message?: string } | undefined): ProviderError {
  const message = fault?.message ?? 'the server went to ERROR without a fault';
  if (NO_VALID_HOST_RE.test(message)) return new ProviderError('capacity', message, { code: 'NoValidHost' });
  if (QUOTA_RE.test(message)) return new ProviderError('quota', message, { code: 'QuotaExceeded' });
  return new ProviderError('unavailable', message, { code: `Fault${fault?.code ?? ''}` });
}

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}
