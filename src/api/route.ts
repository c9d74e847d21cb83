import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { Deadlines } from './deadline.js';
import { ApiError, type FieldProblem } from './errors.js';
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
  /** Media type of a success; JSON unless said (`text/event-stream`, Prometheus text). */
  produces?: string;
  /**
   * The success body, from src/api/contract. It documents the route and the contract test checks
   * real answers against it; it is not handed to Fastify, whose response schemas would serialise
   * (drop unknown keys, coerce) and so could change a body, and would cost time per request.
   */
  response: z.ZodType;
  /** A feed (pushed metric samples), not a change a person made: only its refusals go to the audit log. */
  auditRefusalsOnly?: boolean;
  handler(input: { params: P; query: Q; body: B; request: FastifyRequest; reply: FastifyReply }): Promise<unknown>;
}

export function defineRoute<P = undefined, Q = undefined, B = undefined>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string, problems: FieldProblem[]): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  problems.push(...result.error.issues.map((i) => ({ field: [where, ...i.path.map(String)].join('.'), message: i.message })));
  return undefined as T;
}

export function register(app: FastifyInstance, routes: readonly RouteDef[], opts: { handlerTimeoutMs?: number; clock?: Clock } = {}): void {
  const deadlines = opts.handlerTimeoutMs && opts.clock ? new Deadlines(opts.handlerTimeoutMs, opts.clock) : undefined;
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      // The auth hook reads the permission from here, before the body is parsed.
      config: { permission: r.permission, ...(r.auditRefusalsOnly && { auditRefusalsOnly: true }) },
      handler: async (request, reply) => {
        // Every problem of params, query and body at once, so one round trip shows them all.
        const problems: FieldProblem[] = [];
        const params = parse(r.params, request.params, 'params', problems);
        const query = parse(r.query, request.query, 'query', problems);
        const body = parse(r.body, request.body, 'body', problems);
        if (problems.length) throw new ApiError('invalid_request', `invalid request: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
        const work = r.handler({ params, query, body, request, reply });
        const out = await (deadlines ? deadlines.race(work) : work);
        if (!reply.sent) reply.code(r.status ?? 200);
        return out;
      },
    });
  }
}
