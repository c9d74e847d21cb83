import { z } from 'zod';
import type { ScalingDecision } from '../../domain/scaling/decision.js';
import { notFound } from '../errors.js';
import { defineRoute } from '../route.js';
import { poolConditions } from './healing.js';
import type { ApiDeps } from '../app.js';
import { DecisionsPageSchema } from '../contract/index.js';

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

/** A decision as the API shows it: times as ISO strings, everything else as decided. */
export const decisionView = (d: ScalingDecision & { id: number }) => ({
  ...d,
  at: iso(d.at)!,
  inputs: d.inputs.map((i) => ({ ...i, at: iso(i.at) })),
  proposals: d.proposals.map((p) => (p.forecast ? { ...p, forecast: { ...p.forecast, at: iso(p.forecast.at)! } } : p)),
});

export function decisionRoutes(deps: ApiDeps) {
  const { store } = deps;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/pools/:name/decisions',
      summary: "List a pool's autoscaling decisions with their explanations, newest first",
      tags: ['pools'],
      permission: 'pools:read',
      response: DecisionsPageSchema,
      params: z.object({ name: z.string().min(1) }),
      query: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(20),
        /** Cursor: only decisions older than this id. */
        before: z.coerce.number().int().positive().optional(),
      }),
      async handler({ params, query }) {
        const pool = await store.getPool(params.name);
        if (!pool) throw notFound('pool', params.name);
        const items = await store.listDecisions({ pool: pool.name, limit: query.limit, before: query.before });
        const last = items.at(-1);
        return {
          pool: pool.name,
          desired: pool.desired,
          autoscaling: pool.scaling ? { dryRun: pool.scaling.dryRun, evaluationInterval: pool.scaling.evaluationInterval, policies: pool.scaling.policies.length } : null,
          conditions: await poolConditions(store, pool.name, deps.clock.now()),
          items: items.map(decisionView),
          next: items.length === query.limit && last ? String(last.id) : null,
        };
      },
    }),
  ];
}
