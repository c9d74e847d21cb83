import { serveDashboard } from './dashboard.js';
import { serveApiDocs } from './api-docs.js';
import { signInRoutes } from './sign-in/routes.js';
import { whoamiRoutes } from './routes/whoami.js';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Reachability } from '../domain/reachability.js';
import type { ConfigError } from '../config/load.js';
import type { Store, AppliedConfig } from '../store/store.js';
import { ApiError } from './errors.js';
import { isStorageFailure, storageFailureCode } from '../store/storage-failure.js';
import { register, type RouteDef } from './route.js';
import { configRoutes } from './routes/config.js';
import { planRoutes } from './routes/plan.js';
import { eventRoutes } from './routes/events.js';
import { poolRoutes } from './routes/pools.js';
import { driftRoutes } from './routes/drift.js';
import { operationRoutes } from './routes/operations.js';
import type { OperationsPort } from '../control/operations/api-port.js';
import { decisionRoutes } from './routes/decisions.js';
import { agentRoutes } from './routes/agents.js';
import { healingRoutes } from './routes/healing.js';
import { installAccess } from './access.js';
import type { RateLimit } from './auth.js';
import { BODY_LIMIT_BYTES, HANDLER_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './limits.js';
import { ApiMetrics, type StatsSource } from './metrics.js';
import { auditRoutes } from './routes/audit.js';
import { autoscalingRoutes } from './routes/autoscaling.js';
import { streamRoutes } from './routes/stream.js';
import { systemRoutes } from './routes/system.js';
import { tokenRoutes } from './routes/tokens.js';
import { environmentRoutes } from './routes/environments.js';
import { notificationRoutes } from './routes/notifications.js';
import { pushedMetricRoutes } from './routes/pushed-metrics.js';
import type { PushedSample } from '../domain/scaling/pushed.js';
import type { EnvSizes } from '../domain/environments/settings.js';

/** Fastify's default: longer ids than flotte makes, and a bound on what the router matches. */
const MAX_PARAM_LENGTH = 100;

/** A config problem as the config loader reports it: part of the API's error contract. */
export type ConfigProblem = ConfigError;

export type ConfigParser = (text: string, file: string) => { ok: true; applied: AppliedConfig } | { ok: false; errors: ConfigProblem[] };

export interface ApiDeps {
  store: Store;
  clock: Clock;
  /** Sizes the configured clouds describe (Nova's flavors), for environment quotas: src/compose/size-catalog.ts. */
  cloudSizes?: (() => Promise<EnvSizes>) | undefined;
  parseConfig: ConfigParser;
  /** Nudges an in-process controller so a change is acted on at once rather than next tick. */
  wake?: () => void;
  /** Hands pushed metric samples, once stored, to an in-process controller's autoscaler (others find them in the store). */
  samplesPushed?: ((samples: readonly PushedSample[]) => void) | undefined;
  logger?: Logger;
  /** Providers as the composition root decorates them (src/compose/providers.ts), for their rate-limiter figures in /metrics. */
  providers?: ReadonlyMap<string, StatsSource> | undefined;
  /** Where provider call latencies are recorded (main.ts shares it with the providers); made here when omitted. */
  metrics?: ApiMetrics | undefined;
  /** Puts /metrics behind a token (`pools:read`); open by default, like most exporters. */
  metricsNeedToken?: boolean | undefined;
  /** Per-token request budget; TOKEN_RATE_LIMIT when omitted. */
  rateLimit?: RateLimit | undefined;
  /** HANDLER_TIMEOUT_MS when omitted. */
  handlerTimeoutMs?: number | undefined;
  /** Bulk operations, where a controller runs them (main.ts); their routes answer 503 without it. */
  operations?: OperationsPort | undefined;
  /** Where this process keeps its state (`--data-dir`): local machines' directories are under it. `.flotte` when omitted. */
  dataDir?: string | undefined;
  /** Whether each provider answered the in-process controller lately (`flotte up`); /readyz shows it. */
  reachability?: (() => ReadonlyMap<string, Reachability>) | undefined;
}

export function apiRoutes(deps: ApiDeps): RouteDef[] {
  return [...poolRoutes(deps), ...decisionRoutes(deps), ...eventRoutes(deps), ...configRoutes(deps), ...tokenRoutes(deps), ...auditRoutes(deps), ...streamRoutes(deps), ...agentRoutes(deps), ...healingRoutes(deps), ...autoscalingRoutes(deps), ...whoamiRoutes(), ...operationRoutes(deps), ...planRoutes(), ...environmentRoutes(deps), ...notificationRoutes(deps), ...pushedMetricRoutes(deps), ...driftRoutes(deps)];
}

/** The app factory: everything wired, nothing listening. Tests use `app.inject()`. */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: REQUEST_TIMEOUT_MS,
    // installAccess logs each request without headers or bodies instead.
    logController: new LogController({ disableRequestLogging: true }),
    // The router refuses some URLs before any hook or handler runs; they still get the
    // documented error shape (and no echo of a URL that may be huge).
    frameworkErrors: (err, _req, reply) => {
      const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? `a path parameter is too long (at most ${MAX_PARAM_LENGTH} characters)` : 'the URL has a broken percent-encoding';
      return (reply as FastifyReply).code(err.statusCode ?? 400).send(new ApiError('invalid_request', message).toJSON());
    },
    ...(deps.logger ? { loggerInstance: deps.logger } : {}),
  }) as unknown as FastifyInstance;
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).send(err.toJSON());
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return reply.code(status).send(new ApiError('invalid_request', (err as Error).message).toJSON());
    if (isStorageFailure(err)) {
      deps.logger?.error({ err }, 'store failed');
      return reply.code(503).header('retry-after', '1').send(new ApiError('storage_unavailable', `the store did not take this request (${storageFailureCode(err)}: ${(err as Error).message}); retry once /readyz answers ok`).toJSON());
    }
    deps.logger?.error({ err }, 'request failed');
    return reply.code(500).send(new ApiError('internal', 'internal error; see the server log').toJSON());
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(new ApiError('not_found', `no route ${req.method} ${req.url}`).toJSON()));
  const metrics = deps.metrics ?? new ApiMetrics({ clock: deps.clock });
  installAccess(app, deps, metrics);
  const routes: RouteDef[] = [];
  routes.push(...systemRoutes(deps, metrics, () => routes), ...apiRoutes(deps));
  register(app, routes, { handlerTimeoutMs: deps.handlerTimeoutMs ?? HANDLER_TIMEOUT_MS, clock: deps.clock });
  signInRoutes(app, deps);
  serveDashboard(app);
  serveApiDocs(app);
  return app;
}
