import type { HttpResponse } from './http.js';

/**
 * What an OpenStack API said when it refused a request, before translation: the ports throw
 * it, `errors.ts` turns it into a ProviderError at the provider's edge.
 */
export class OpenStackApiError extends Error {
  constructor(
    readonly service: string,
    readonly status: number,
    message: string,
    /** From `Retry-After`, in ms, when the server sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'OpenStackApiError';
  }
}

/** Reads the human message out of any of the error envelopes Nova, Keystone, Glance and Neutron use. */
export function errorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  for (const value of Object.values(body as Record<string, unknown>)) {
    if (value && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      // Nova {"forbidden": {"message"}}, Keystone {"error": {"message"}}, Neutron {"NeutronError": {"message"}}
      if (typeof v.message === 'string') return v.message;
    }
  }
  const direct = (body as Record<string, unknown>).message;
  return typeof direct === 'string' ? direct : undefined;
}

/** `Retry-After` as seconds or as an HTTP date, in ms from `now`. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Throws an OpenStackApiError unless the status is 2xx; returns the response otherwise. */
export function expectOk(service: string, what: string, res: HttpResponse, now: number): HttpResponse {
  if (res.status >= 200 && res.status < 300) return res;
  const message = errorMessage(res.body) ?? `HTTP ${res.status}`;
  throw new OpenStackApiError(service, res.status, `${service} ${what}: ${message}`, retryAfterMs(res.headers, now));
}
