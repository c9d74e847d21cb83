import { z } from 'zod';
import { ApiError, notFound } from '../errors.js';
import { defineRoute } from '../route.js';
import type { ApiDeps } from '../app.js';
import { machineView, poolView } from '../views.js';

const poolParams = z.object({ name: z.string().min(1) });

export function poolRoutes(deps: ApiDeps) {
  const { store } = deps;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/pools',
      summary: 'List pools with machine counts per state',
      tags: ['pools'],
      permission: 'pools:read',
      async handler() {
        const [pools, machines] = await Promise.all([store.listPools(), store.listMachines()]);
        return { items: pools.map((p) => poolView(p, machines.filter((m) => m.pool === p.name))) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/pools/:name',
      summary: 'Show a pool with its machines',
      tags: ['pools'],
      permission: 'pools:read',
      params: poolParams,
      async handler({ params }) {
        const pool = await store.getPool(params.name);
        if (!pool) throw notFound('pool', params.name);
        const machines = await store.listMachines({ pool: pool.name });
        return { ...poolView(pool, machines), machines: machines.map(machineView) };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/pools/:name/desired',
      summary: "Set a pool's desired size",
      tags: ['pools'],
      permission: 'pools:scale',
      params: poolParams,
      body: z.object({ desired: z.number().int().nonnegative() }).strict(),
      async handler({ params, body }) {
        const pool = await store.getPool(params.name);
        if (!pool) throw notFound('pool', params.name);
        if (body.desired < pool.min || body.desired > pool.max) {
          throw new ApiError(
            'out_of_bounds',
            `desired ${body.desired} is outside pool "${pool.name}"'s bounds [${pool.min}, ${pool.max}] (choose a size from ${pool.min} to ${pool.max}, or change min/max in flotte.yaml)`,
            [{ field: 'body.desired', message: `must be between ${pool.min} and ${pool.max}` }],
            { min: pool.min, max: pool.max },
          );
        }
        const updated = (await store.setDesired(pool.name, body.desired))!;
        if (updated.desired !== pool.desired) {
          await store.appendEvents([
            { at: deps.clock.now(), pool: pool.name, reason: 'DesiredChanged', message: `desired ${pool.desired} → ${body.desired}`, data: { from: pool.desired, to: body.desired } },
          ]);
        }
        deps.wake?.();
        return { name: updated.name, min: updated.min, max: updated.max, desired: updated.desired };
      },
    }),
  ];
}
