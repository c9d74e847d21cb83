import { z } from 'zod';
import { ErrorBodySchema } from './contract/errors.js';
import type { RouteDef } from './route.js';
import { rolesWith } from './roles.js';

type JsonSchema = Record<string, unknown>;

/** Request schemas as clients must send them: defaults make fields optional, transforms are opaque. */
const toSchema = (s: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
}

const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

function operation(r: RouteDef): JsonSchema {
  const status = String(r.status ?? 200);
  const isPublic = r.permission === 'public';
  const responses: Record<string, JsonSchema> = {
    [status]: { description: 'success', content: { [r.produces ?? 'application/json']: { schema: toSchema(r.response, 'output') } } },
    '400': { description: 'invalid request: every field at fault, with its path', ...errorRef },
  };
  if (!isPublic) {
    responses['401'] = { description: 'no token, or an unknown, revoked or expired one', ...errorRef };
    responses['403'] = { description: `the token's role lacks \`${r.permission}\``, ...errorRef };
    responses['429'] = { description: 'over the per-token request rate; see Retry-After', ...errorRef };
  }
  return {
    operationId: `${r.method.toLowerCase()}${r.url.replace(/\{?:?([a-zA-Z]+)\}?/g, (_m, w: string) => w[0]!.toUpperCase() + w.slice(1)).replace(/[^A-Za-z0-9]/g, '')}`,
    summary: r.summary,
    tags: r.tags,
    'x-permission': r.permission,
    ...(isPublic ? { security: [] } : { description: `Needs \`${r.permission}\`: roles ${rolesWith(r.permission).join(', ')}.` }),
    parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(r.body) } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document, generated from the same route declarations that validate requests. */
export function openApiDocument(routes: readonly RouteDef[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    (paths[path] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'flotte API', version, description: 'Elastic fleet controller. Bearer tokens with roles admin, operator, developer, viewer.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: toSchema(ErrorBodySchema, 'output'),
      },
    },
  };
}
