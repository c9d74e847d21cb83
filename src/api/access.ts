import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock/clock.js';
import type { Store } from '../store/store.js';
import { installAudit } from './audit.js';
import { callerOf, installAuth, type RateLimit } from './auth.js';
import { streamsFor } from './event-stream.js';
import type { ApiMetrics } from './metrics.js';

/**
 * Everything that wraps every route: auth and rate limits, the audit log, request metrics and
 * request logs. Logs carry method, route pattern, status, time and the token's name: never
 * headers, bodies or query strings, where tokens and user-data could hide.
 */
export function installAccess(
  app: FastifyInstance,
  deps: { store: Store; clock: Clock; rateLimit?: RateLimit | undefined },
  metrics: ApiMetrics,
): void {
  installAuth(app, deps);
  installAudit(app, deps);
  streamsFor(deps).install(app);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, caller: callerOf(request)?.name, source: request.ip },
      'request',
    );
  });
}
