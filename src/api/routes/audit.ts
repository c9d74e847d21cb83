import { z } from 'zod';
import type { AuditRecord } from '../../domain/access.js';
import { PAGE_DEFAULT, PAGE_MAX } from '../limits.js';
import { defineRoute } from '../route.js';
import type { ApiDeps } from '../app.js';
import { AuditPageSchema } from '../contract/index.js';

export const auditView = (r: AuditRecord) => ({ ...r, pool: r.pool ?? null, at: new Date(r.at).toISOString() });

export function auditRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit',
      summary: 'Read the audit log (every change made through the API), oldest first, from a cursor',
      tags: ['audit'],
      permission: 'audit:read',
      response: AuditPageSchema,
      query: z.object({
        pool: z.string().optional(),
        since: z.iso.datetime({ offset: true }).optional().describe('only records at or after this time'),
        after: z.coerce.number().int().nonnegative().optional(),
        limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT),
        newest: z.stringbool().default(false).describe('the last `limit` records instead of the first (still oldest first, `next` null)'),
      }),
      async handler({ query }) {
        const items = await deps.store.listAudit({
          pool: query.pool,
          since: query.since === undefined ? undefined : Date.parse(query.since),
          after: query.after,
          limit: query.limit,
          newest: query.newest,
        });
        return { items: items.map(auditView), next: !query.newest && items.length === query.limit ? String(items.at(-1)!.id) : null };
      },
    }),
  ];
}
