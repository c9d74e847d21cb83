import { z } from 'zod';
import { activeConditions } from '../../domain/conditions.js';
import { DEFAULT_DISRUPTION } from '../../domain/disruption/policy.js';
import { DriftListSchema, type DriftList } from '../contract/index.js';
import { poolDrift } from '../drift.js';
import { notFound } from '../errors.js';
import { defineRoute } from '../route.js';
import type { ApiDeps } from '../app.js';

export function driftRoutes(deps: ApiDeps) {
  const { store } = deps;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/drift',
      summary: 'List machines that no longer match their pool (drift) or are past their lifetime',
      tags: ['pools'],
      permission: 'pools:read',
      response: DriftListSchema,
      query: z.object({ pool: z.string().min(1).optional() }),
      async handler({ query }) {
        const now = deps.clock.now();
        const pools = (await store.listPools()).filter((p) => query.pool === undefined || p.name === query.pool);
        if (query.pool !== undefined && pools.length === 0) throw notFound('pool', query.pool);
        const out: DriftList = { pools: [], machines: [] };
        const running = await store.listOperations({ active: true });
        for (const pool of pools) {
          const machines = await store.listMachines({ pool: pool.name });
          const drift = await poolDrift(store, pool, machines);
          let drifted = 0;
          let expired = 0;
          for (const m of machines) {
            const d = drift.get(m.id);
            const late = d?.lifetimeDueAt !== undefined && now >= d.lifetimeDueAt;
            if (!d || (d.reasons.length === 0 && !late)) continue;
            if (d.reasons.length) drifted++;
            if (late) expired++;
            out.machines.push({ pool: pool.name, machine: m.id, state: m.state, templateVersion: m.templateVersion, reasons: d.reasons, lifetimeDueAt: d.lifetimeDueAt ?? null, expired: late });
          }
          const held = activeConditions(await store.listConditions({ pool: pool.name, type: 'DisruptionHeld' }), now)[0];
          out.pools.push({
            pool: pool.name,
            templateVersion: (await store.getTemplate(pool.template))?.version ?? 0,
            rollout: (pool.disruption ?? DEFAULT_DISRUPTION).rollout.mode,
            drifted,
            expired,
            operation: running.find((o) => o.pool === pool.name && o.origin)?.id ?? null,
            held: held?.message ?? null,
          });
        }
        return out;
      },
    }),
  ];
}
