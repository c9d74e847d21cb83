import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { ConfigError } from '../config/load.js';
import type { Store, AppliedConfig } from '../store/store.js';
import { ApiError } from './errors.js';
import { register, type RouteDef } from './route.js';
import { configRoutes } from './routes/config.js';
import { eventRoutes } from './routes/events.js';
import { poolRoutes } from './routes/pools.js';

/** A config problem as the config loader reports it: part of the API's error contract. */
export type ConfigProblem = ConfigError;

export type ConfigParser = (text: string, file: string) => { ok: true; applied: AppliedConfig } | { ok: false; errors: ConfigProblem[] };

export interface ApiDeps {
  store: Store;
  clock: Clock;
  parseConfig: ConfigParser;
  /** Nudges an in-process controller so a change is acted on at once rather than next tick. */
  wake?: () => void;
  logger?: Logger;
}

export function apiRoutes(deps: ApiDeps): RouteDef[] {
  return [...poolRoutes(deps), ...eventRoutes(deps), ...configRoutes(deps)];
}

/** The app factory: everything wired, nothing listening. Tests use `app.inject()`. */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 1024 * 1024, ...(deps.logger ? { loggerInstance: deps.logger } : {}) }) as unknown as FastifyInstance;
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).send(err.toJSON());
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return reply.code(status).send(new ApiError('invalid_request', (err as Error).message).toJSON());
    deps.logger?.error({ err }, 'request failed');
    return reply.code(500).send(new ApiError('internal', 'internal error; see the server log').toJSON());
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(new ApiError('not_found', `no route ${req.method} ${req.url}`).toJSON()));
  app.get('/healthz', async () => ({ ok: true }));
  register(app, apiRoutes(deps));
  return app;
}
