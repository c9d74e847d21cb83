import type { FastifyRequest } from 'fastify';
import type { ApiToken } from '../../domain/access.js';
import type { Session } from '../../domain/sign-in.js';
import type { SessionsPort } from '../../store/ports.js';
import { ApiError } from '../errors.js';
import { RevisionCache } from '../revision-cache.js';
import { sessionCaller } from './sessions.js';

/** The header the dashboard sends on every request; see `refuseCrossSite`. */
export const REQUEST_HEADER = 'x-flotte-request';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery, for requests a cookie authenticates. SameSite=Lax keeps the cookie
 * off cross-site form posts, but "site" spans sibling subdomains, so changes also need
 * `X-Flotte-Request`: a page elsewhere can only send that header after a CORS preflight, which
 * flotte never grants. An Origin header, when the browser sends one, must be flotte's own.
 * Bearer callers (CLI, scripts) are not browsers riding on ambient credentials and skip this.
 */
export function refuseCrossSite(request: FastifyRequest): void {
  if (SAFE.has(request.method)) return;
  if (!request.headers[REQUEST_HEADER]) {
    throw new ApiError('forbidden', `a change made with the sign-in cookie must carry the ${REQUEST_HEADER} header (the dashboard sends it; scripts use a bearer token)`);
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== request.headers.host) throw new ApiError('forbidden', `a change made with the sign-in cookie must come from flotte's own pages (Origin ${origin} is not ${request.headers.host})`);
  }
}

/** Finds the caller a session secret stands for, cached per store revision so a logout is seen at once. */
export function sessionLookup(store: { sessions: SessionsPort }): (hash: string, rev: string, now: number) => Promise<ApiToken> {
  const cache = new RevisionCache<Session | null>(10_000);
  return async (hash, rev, now) => {
    const session = await cache.get(hash, rev, async () => (await store.sessions.findSessionByHash(hash)) ?? null);
    if (!session) throw new ApiError('unauthorized', 'this sign-in has ended (logged out, or never started): sign in again (dashboard, or `flotte login`)');
    if (session.expiresAt <= now) throw new ApiError('unauthorized', `the sign-in of ${session.name} expired at ${new Date(session.expiresAt).toISOString()}: sign in again`);
    return sessionCaller(session);
  };
}
