import { z } from 'zod';
import { ROLES, type ApiToken } from '../../domain/access.js';
import { callerOf } from '../auth.js';
import { notFound } from '../errors.js';
import { PAGE_DEFAULT, PAGE_MAX } from '../limits.js';
import { defineRoute } from '../route.js';
import { issueToken } from '../tokens.js';
import type { ApiDeps } from '../app.js';
import { CreatedTokenSchema, TokenPageSchema, TokenSchema } from '../contract/index.js';

/** 100 years: a longer lifetime says "never expires" (leave it out), and past ~270,000 years no date can show it. */
export const TOKEN_MAX_TTL_SECONDS = 100 * 365 * 86_400;

const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

export const tokenView = (t: ApiToken) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  createdAt: iso(t.createdAt),
  expiresAt: iso(t.expiresAt),
  revokedAt: iso(t.revokedAt),
  createdBy: t.createdBy,
});

export function tokenRoutes(deps: ApiDeps) {
  const { store, clock } = deps;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/tokens',
      summary: 'Create a bearer token; its secret is in this response and nowhere else, ever',
      tags: ['tokens'],
      permission: 'tokens:admin',
      response: CreatedTokenSchema,
      status: 201,
      body: z
        .object({
          name: z.string().min(1).max(64),
          role: z.enum(ROLES),
          ttlSeconds: z.number().int().positive().max(TOKEN_MAX_TTL_SECONDS).optional().describe('lifetime, at most 100 years; without it the token lasts until revoked'),
        })
        .strict(),
      async handler({ body, request }) {
        const { token, secret } = await issueToken(
          store,
          { name: body.name, role: body.role, ttlMs: body.ttlSeconds === undefined ? undefined : body.ttlSeconds * 1000, createdBy: callerOf(request)!.name },
          clock.now(),
        );
        return { ...tokenView(token), secret };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tokens',
      summary: 'List tokens (never their secrets), revoked ones included',
      tags: ['tokens'],
      permission: 'tokens:admin',
      response: TokenPageSchema,
      query: z.object({ after: z.string().optional(), limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT) }),
      async handler({ query }) {
        const items = await store.listTokens({ after: query.after, limit: query.limit });
        return { items: items.map(tokenView), next: items.length === query.limit ? items.at(-1)!.id : null };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/tokens/:id',
      summary: 'Revoke a token; requests carrying it get 401 from then on',
      tags: ['tokens'],
      permission: 'tokens:admin',
      response: TokenSchema,
      params: z.object({ id: z.string().min(1) }),
      async handler({ params }) {
        const token = await store.revokeToken(params.id, clock.now());
        if (!token) throw notFound('token', params.id);
        return tokenView(token);
      },
    }),
  ];
}
