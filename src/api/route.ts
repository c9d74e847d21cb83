import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ApiError } from './errors.js';
import type { Permission } from './permissions.js';

/**
 * One declaration per route: its schemas validate input at the boundary and also describe the
 * route in the OpenAPI document, so the two cannot drift apart.
 */
export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  summary: string;
  tags: string[];
  /** What the caller must be allowed to do; checked before the handler runs. */
  permission: Permission;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Success status; 200 unless said. */
  status?: number;
  handler(input: { params: P; query: Q; body: B; request: FastifyRequest; reply: FastifyReply }): Promise<unknown>;
}

export function defineRoute<P = undefined, Q = undefined, B = undefined>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ field: [where, ...i.path.map(String)].join('.'), message: i.message }));
  throw new ApiError('invalid_request', `invalid ${where}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
}

export function register(app: FastifyInstance, routes: readonly RouteDef[]): void {
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      handler: async (request, reply) => {
        const params = parse(r.params, request.params, 'params');
        const query = parse(r.query, request.query, 'query');
        const body = parse(r.body, request.body, 'body');
        const out = await r.handler({ params, query, body, request, reply });
        if (!reply.sent) reply.code(r.status ?? 200);
        return out;
      },
    });
  }
}
