import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiToken } from '../domain/access.js';
import { take, waitFor, type Bucket } from '../domain/token-bucket.js';
import type { Clock } from '../clock/clock.js';
import type { Store } from '../store/store.js';
import { ApiError } from './errors.js';
import { TOKEN_RATE_LIMIT } from './limits.js';
import type { Permission } from './permissions.js';
import { RevisionCache, requestRevision } from './revision-cache.js';
import { allows, rolesWith } from './roles.js';
import { hashSecret } from './tokens.js';
import { cookieOf, SESSION_COOKIE } from './sign-in/cookies.js';
import { refuseCrossSite, sessionLookup } from './sign-in/session-auth.js';
import { SESSION_PREFIX } from './sign-in/sessions.js';

export interface RateLimit {
  capacity: number;
  refillPerSecond: number;
}

export interface AuthOptions {
  store: Store;
  clock: Clock;
  rateLimit?: RateLimit | undefined;
}

const callers = new WeakMap<FastifyRequest, ApiToken>();

/** The token that authenticated this request; undefined on public routes. */
export function callerOf(request: FastifyRequest): ApiToken | undefined {
  return callers.get(request);
}

/** The permission a route declared (see `register`); unknown URLs need a valid token. */
function permissionOf(request: FastifyRequest): Permission | undefined {
  return (request.routeOptions.config as { permission?: Permission } | undefined)?.permission;
}

/**
 * Authenticates, authorises and rate-limits every request before its body is read: the caller
 * is an API token, or a person's sign-in session (a `fls_` bearer secret from `flotte login`, or
 * the dashboard's cookie). 401 without a valid one, 403 when the role lacks the route's permission, 429 with
 * Retry-After when the token spent its budget.
 */
export function installAuth(app: FastifyInstance, opts: AuthOptions): void {
  const { store, clock } = opts;
  const limit = opts.rateLimit ?? TOKEN_RATE_LIMIT;
  const buckets = new Map<string, Bucket>();
  // Token lookups are cached per store revision: a revocation is a write, so it is seen at once.
  const tokens = new RevisionCache<ApiToken | null>(10_000);
  const session = sessionLookup(store);

  app.addHook('onRequest', async (request, reply) => {
    const permission = permissionOf(request);
    // Agents authenticate with a join token, then their machine's credential, checked by the agent routes themselves.
    if (permission === 'public' || permission === 'agent') return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    // A bearer secret wins over the sign-in cookie: scripts and the CLI name who they are.
    const cookie = match ? undefined : cookieOf(request, SESSION_COOKIE);
    if (!match && !cookie?.startsWith(SESSION_PREFIX)) {
      throw new ApiError('unauthorized', 'a bearer token or a sign-in is required (Authorization: Bearer <token>; see `flotte tokens create`, or sign in: `flotte login`, the dashboard)');
    }
    if (!match) refuseCrossSite(request);
    const secret = match ? match[1]! : cookie!;
    const hash = hashSecret(secret);
    const rev = await requestRevision(store, request);
    const now = clock.now();
    const token = secret.startsWith(SESSION_PREFIX) ? await session(hash, rev, now) : await tokens.get(hash, rev, async () => (await store.findTokenByHash(hash)) ?? null);
    if (!token) throw new ApiError('unauthorized', 'unknown token');
    if (token.revokedAt !== undefined) throw new ApiError('unauthorized', `token "${token.name}" was revoked`);
    if (token.expiresAt !== undefined && token.expiresAt <= now) throw new ApiError('unauthorized', `token "${token.name}" expired`);
    callers.set(request, token);

    const bucket = take(buckets.get(token.id) ?? { ...limit, tokens: limit.capacity, updatedAt: now }, 1, now);
    if (!bucket) {
      const waitMs = waitFor(buckets.get(token.id)!, 1, now);
      reply.header('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
      throw new ApiError('rate_limited', `token "${token.name}" is over its request rate (${limit.refillPerSecond}/s, burst ${limit.capacity}); retry later`);
    }
    buckets.set(token.id, bucket);

    if (permission !== undefined && !allows(token.role, permission)) {
      throw new ApiError('forbidden', `role ${token.role} may not ${permission} (roles that may: ${rolesWith(permission).join(', ')})`, [], { permission });
    }
  });
}
