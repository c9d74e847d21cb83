import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { ApiError, notFound } from '../errors.js';
import { defineRoute } from '../route.js';
import type { ApiDeps } from '../app.js';
import { machineView, poolView } from '../views.js';
import { poolDrift } from '../drift.js';
import { allPoolConditions, poolConditions } from './healing.js';
import { autoscalingNotice } from './autoscaling.js';
import { PAGE_DEFAULT, PAGE_MAX } from '../limits.js';
import { RevisionCache, requestRevision } from '../revision-cache.js';
import { DesiredChangeSchema, MachinePageSchema, PoolDetailSchema, PoolListSchema } from '../contract/index.js';

interface Encoded {
  identity: Buffer;
  gzip: Buffer;
}

/** Encoded once per store revision, sent many times. */
const encoded = (json: string): Encoded => {
  const identity = Buffer.from(json);
  return { identity, gzip: gzipSync(identity, { level: 6 }) };
};

/** Pools whose rendered body is kept; more than any fleet has. */
const POOL_CACHE_ENTRIES = 256;

const poolParams = z.object({ name: z.string().min(1) });

export function poolRoutes(deps: ApiDeps) {
  const { store } = deps;
  const shown = new RevisionCache<Encoded | null>(POOL_CACHE_ENTRIES);
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/pools',
      summary: 'List pools with machine counts per state',
      tags: ['pools'],
      permission: 'pools:read',
      response: PoolListSchema,
      query: z.object({ after: z.string().optional(), limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT) }),
      async handler({ query }) {
        const [all, machines, conditions] = await Promise.all([store.listPools(), store.listMachines(), allPoolConditions(store, deps.clock.now())]);
        // Pools are few: the page is cut in memory, by name, which is the cursor.
        const pools = all.sort((a, b) => (a.name < b.name ? -1 : 1)).filter((p) => query.after === undefined || p.name > query.after).slice(0, query.limit);
        const next = pools.length === query.limit && all.some((p) => p.name > pools.at(-1)!.name) ? pools.at(-1)!.name : null;
        return { items: pools.map((p) => ({ ...poolView(p, machines.filter((m) => m.pool === p.name)), conditions: conditions.get(p.name) ?? [] })), next };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/pools/:name',
      summary: 'Show a pool with its machines',
      tags: ['pools'],
      permission: 'pools:read',
      response: PoolDetailSchema,
      params: poolParams,
      async handler({ params, request, reply }) {
        // Serialising 1,000 machines per request is most of the cost: the encoded JSON is reused
        // until the store's revision changes, which any write from any process does.
        const body = await shown.get(params.name, await requestRevision(store, request), async () => {
          const pool = await store.getPool(params.name);
          if (!pool) return null;
          const machines = await store.listMachines({ pool: pool.name });
          const drift = await poolDrift(store, pool, machines);
          const views = machines.map((m) => machineView(m, drift.get(m.id)?.reasons));
          return encoded(JSON.stringify({ ...poolView(pool, machines), conditions: await poolConditions(store, pool.name, deps.clock.now()), machines: views }));
        });
        if (body === null) throw notFound('pool', params.name);
        reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
        // 1,000 machines are ~300 KB of JSON and ~20 KB gzipped: most clients (fetch, curl --compressed, browsers) take gzip.
        if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(body.gzip);
        return reply.send(body.identity);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/pools/:name/machines',
      summary: "Page through a pool's machines, in id order",
      tags: ['pools'],
      permission: 'pools:read',
      response: MachinePageSchema,
      params: poolParams,
      query: z.object({ after: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT) }),
      async handler({ params, query }) {
        const pool = await store.getPool(params.name);
        if (!pool) throw notFound('pool', params.name);
        // The cursor is a machine id, not an offset: machines added or removed between pages
        // cannot make the walk skip or repeat one that stays.
        // One more than asked tells whether another page follows, so the last one is not an empty round trip.
        const found = await store.pageMachines({ pool: pool.name, after: query.after, limit: query.limit + 1 });
        const machines = found.slice(0, query.limit);
        const drift = await poolDrift(store, pool, machines);
        const next = found.length > query.limit ? machines.at(-1)!.id : null;
        return { items: machines.map((m) => machineView(m, drift.get(m.id)?.reasons)), next };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/pools/:name/desired',
      summary: "Set a pool's desired size",
      tags: ['pools'],
      permission: 'pools:scale',
      response: DesiredChangeSchema,
      params: poolParams,
      body: z
        .object({
          desired: z.number().int().nonnegative(),
          /** Lets this change terminate more than the pool's blast-radius share of healthy machines per minute. */
          allowDestroy: z.boolean().optional(),
        })
        .strict(),
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
        // `from` is read inside the write: a size read above may be stale by now.
        const change = await store.changeDesired(pool.name, body.desired, (from) => ({
          at: deps.clock.now(),
          pool: pool.name,
          reason: 'DesiredChanged',
          message: `desired ${from} → ${body.desired}`,
          data: { from, to: body.desired },
        }));
        if (!change) throw notFound('pool', params.name);
        const updated = change.pool;
        if (body.allowDestroy) await store.allowDestroy([pool.name]);
        deps.wake?.();
        // Whoever sets the size of an autoscaled pool should hear that the autoscaler sets it again.
        const autoscaling = await autoscalingNotice(store, updated, body.desired, deps.clock.now());
        return { name: updated.name, min: updated.min, max: updated.max, desired: updated.desired, allowDestroy: body.allowDestroy === true, autoscaling };
      },
    }),
  ];
}
