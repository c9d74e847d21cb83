import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { EnvError, EnvService, type EnvCaller } from '../../control/environments/service.js';
import { parseDuration } from '../../domain/environments/duration.js';
import { monthWindow, USAGE_BY } from '../../domain/environments/usage.js';
import type { ApiDeps } from '../app.js';
import { callerOf } from '../auth.js';
import { ApiError } from '../errors.js';
import { defineRoute } from '../route.js';
import { allows } from '../roles.js';
import { EnvConnectionSchema, EnvTemplateListSchema, EnvUsageSchema, EnvironmentDetailSchema, EnvironmentListSchema, EnvironmentSchema } from '../contract/index.js';
import { localMachineDir } from '../../providers/local/registration.js';

const idParams = z.object({ id: z.string().min(1) });
const Ttl = z.string().refine((s) => parseDuration(s) !== undefined, { message: 'a duration like 30m, 8h or 2d' });

/** Developers act on their own environments; a role with `envs:all` on everyone's. */
function caller(request: FastifyRequest): EnvCaller {
  const token = callerOf(request)!;
  return { name: token.name, all: allows(token.role, 'envs:all') };
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof EnvError)) throw e;
    const code = e.kind === 'not-found' ? 'not_found' : e.kind === 'conflict' ? 'conflict' : 'invalid_request';
    throw new ApiError(code, e.message, [], e.data);
  }
}

/** Developer environments: templates, create, list, show, extend, stop, start, destroy, usage. */
export function environmentRoutes(deps: ApiDeps) {
  const service = new EnvService(deps.store, deps.clock, deps.cloudSizes);
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/environment-templates',
      summary: 'Environment templates of the applied config',
      tags: ['environments'],
      permission: 'envs:own',
      response: EnvTemplateListSchema,
      async handler() {
        return { items: [...(await service.templates()).values()] };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/environments',
      summary: 'Create an environment from a template; it is ready when its status is `ready`',
      tags: ['environments'],
      permission: 'envs:own',
      response: EnvironmentDetailSchema,
      status: 201,
      body: z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/), template: z.string().min(1), params: z.record(z.string(), z.string()).default({}), ttl: Ttl.optional() }),
      async handler({ body, request }) {
        const env = await translated(() => service.create(caller(request), { name: body.name, template: body.template, params: body.params, ttlMs: body.ttl === undefined ? undefined : parseDuration(body.ttl) }));
        deps.wake?.();
        return service.view(env);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/environments',
      summary: "The caller's environments; `all=true` lists everyone's to those allowed `envs:all`",
      tags: ['environments'],
      permission: 'envs:own',
      response: EnvironmentListSchema,
      query: z.object({ all: z.stringbool().default(false), ended: z.stringbool().default(false) }),
      async handler({ query, request }) {
        const who = caller(request);
        if (query.all && !who.all) throw new ApiError('forbidden', 'listing everyone\'s environments needs envs:all', [], { permission: 'envs:all' });
        return { items: await service.list(who, { everyone: query.all, ended: query.ended }) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/environments/:id',
      summary: 'One environment with the progress of each role',
      tags: ['environments'],
      permission: 'envs:own',
      response: EnvironmentDetailSchema,
      params: idParams,
      async handler({ params, request }) {
        return translated(async () => service.view(await service.get(caller(request), params.id)));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/environments/:id/connect',
      summary: "The way into an environment's machine: the first ready one of `role` (the first role by default), its address and the shell command (`ssh` for cloud machines)",
      tags: ['environments'],
      permission: 'envs:own',
      response: EnvConnectionSchema,
      params: idParams,
      query: z.object({ role: z.string().min(1).optional() }),
      async handler({ params, query, request }) {
        return translated(() => service.connect(caller(request), { id: params.id, role: query.role, localDir: (machine) => localMachineDir(deps.dataDir ?? '.flotte', machine) }));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/environments/:id/extend',
      summary: "Push an environment's expiry back (up to its template's maxTtl)",
      tags: ['environments'],
      permission: 'envs:own',
      response: EnvironmentSchema,
      params: idParams,
      body: z.strictObject({ by: Ttl }),
      async handler({ params, body, request }) {
        return translated(() => service.extend(caller(request), params.id, parseDuration(body.by)!));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/environments/:id/stop',
      summary: 'Stop every machine of an environment (disks kept, nothing replaced); start wakes it',
      tags: ['environments'],
      permission: 'envs:own',
      response: EnvironmentDetailSchema,
      params: idParams,
      async handler({ params, request }) {
        const env = await translated(() => service.stop(caller(request), params.id));
        deps.wake?.();
        return service.view(env);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/environments/:id/start',
      summary: 'Wake a stopped environment: the same machines start again; it is ready when its status is `ready`',
      tags: ['environments'],
      permission: 'envs:own',
      response: EnvironmentDetailSchema,
      params: idParams,
      async handler({ params, request }) {
        const env = await translated(() => service.start(caller(request), params.id));
        deps.wake?.();
        return service.view(env);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/environment-usage',
      summary: 'Machine-hours (running and stopped) and cost per user, team or template over the last `since` or a calendar `month` in UTC (developers: their own environments)',
      tags: ['environments'],
      permission: 'envs:own',
      response: EnvUsageSchema,
      query: z
        .object({ since: Ttl.optional(), month: z.string().refine((m) => monthWindow(m) !== undefined, { message: 'a calendar month like 2026-12' }).optional(), by: z.enum(USAGE_BY).optional() })
        .refine((q) => q.since === undefined || q.month === undefined, { message: 'give since or month, not both' }),
      async handler({ query, request }) {
        const now = deps.clock.now();
        const window = query.month !== undefined ? monthWindow(query.month)! : { from: now - parseDuration(query.since ?? '30d')!, to: now };
        return { ...window, items: await service.usage(caller(request), window, query.by) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/environments/:id',
      summary: 'Destroy an environment: its machines are released, then its pools removed',
      tags: ['environments'],
      permission: 'envs:own',
      response: EnvironmentSchema,
      status: 202,
      params: idParams,
      async handler({ params, request }) {
        const env = await translated(() => service.destroy(caller(request), params.id));
        deps.wake?.();
        return env;
      },
    }),
  ];
}
