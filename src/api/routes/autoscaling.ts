import { z } from 'zod';
import { activeConditions, type PoolCondition } from '../../domain/conditions.js';
import { formatDuration, parseDuration } from '../../domain/environments/duration.js';
import type { PoolSpec } from '../../domain/types.js';
import type { Store } from '../../store/store.js';
import type { ApiDeps } from '../app.js';
import { ApiError, notFound } from '../errors.js';
import { defineRoute } from '../route.js';
import { AutoscalingPausedSchema, ResumedSchema } from '../contract/index.js';

const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

/** The pool's autoscaling pause as it holds at `now`, if any. */
export async function autoscalingPause(store: Store, pool: string, now: number): Promise<PoolCondition | undefined> {
  return activeConditions(await store.listConditions({ pool, type: 'AutoscalingPaused' }), now)[0];
}

/**
 * What a manual scale of an autoscaled pool should tell the caller: whoever set the size last,
 * the autoscaler sets it again at its next evaluation unless paused. Null for pools it does not drive.
 */
export async function autoscalingNotice(store: Store, pool: PoolSpec, desired: number, now: number): Promise<{ paused: boolean; until?: string | null; message: string } | null> {
  const scaling = pool.scaling;
  if (!scaling || scaling.policies.length === 0 || scaling.dryRun) return null;
  const pause = await autoscalingPause(store, pool.name, now);
  if (pause) {
    return { paused: true, until: iso(pause.until), message: `autoscaling of ${pool.name} is paused${pause.until ? ` until ${iso(pause.until)}` : ''}: ${desired} holds until then (\`flotte autoscaling resume ${pool.name}\` hands the size back)` };
  }
  return {
    paused: false,
    message: `${pool.name} is autoscaled: the autoscaler sets its size at its next evaluation (every ${scaling.evaluationInterval} s); to keep ${desired}, run \`flotte autoscaling pause ${pool.name} [--for 1h]\` first, and \`flotte autoscaling resume ${pool.name}\` after`,
  };
}

const poolParams = z.object({ name: z.string().min(1) });

/** Pause and resume of a pool's autoscaler: a person takes the size over for a while. */
export function autoscalingRoutes(deps: ApiDeps) {
  const { store, clock } = deps;
  const scaledPool = async (name: string) => {
    const pool = await store.getPool(name);
    if (!pool) throw notFound('pool', name);
    if (!pool.scaling || pool.scaling.policies.length === 0) {
      throw new ApiError('invalid_request', `pool "${pool.name}" has no autoscaling policies: nothing to pause or resume (its size is whatever \`flotte scale\` sets)`, [{ field: 'params.name', message: 'not an autoscaled pool' }]);
    }
    return pool;
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/pools/:name/autoscaling/pause',
      summary: "Pause a pool's autoscaler (for a while, or until resumed) so a manual size holds",
      tags: ['pools'],
      permission: 'pools:scale',
      response: AutoscalingPausedSchema,
      params: poolParams,
      body: z.strictObject({
        /** How long, like `30m`, `1h` or `2d`; until resumed when absent. */
        for: z
          .string()
          .refine((s) => parseDuration(s) !== undefined, { message: 'a duration like 30m, 1h or 2d (or leave it out to pause until resumed)' })
          .optional(),
      }),
      async handler({ params, body }) {
        const pool = await scaledPool(params.name);
        const now = clock.now();
        const until = body.for === undefined ? undefined : now + parseDuration(body.for)!;
        const message = `autoscaling paused by request${until ? ` for ${formatDuration(until - now)}, until ${iso(until)}` : ' until resumed'}: the size is what \`flotte scale\` sets; \`flotte autoscaling resume ${pool.name}\` hands it back`;
        await store.setCondition({ pool: pool.name, type: 'AutoscalingPaused', since: now, reason: 'Requested', message, until });
        await store.appendEvents([{ at: now, pool: pool.name, reason: 'AutoscalingPaused', message, data: { until: until ?? null } }]);
        return { pool: pool.name, paused: true, until: iso(until) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/pools/:name/autoscaling/resume',
      summary: "Resume a pool's autoscaler; it sets the size at its next evaluation",
      tags: ['pools'],
      permission: 'pools:scale',
      response: ResumedSchema,
      params: poolParams,
      async handler({ params }) {
        const pool = await scaledPool(params.name);
        const resumed = await store.clearCondition(pool.name, 'AutoscalingPaused');
        if (resumed) await store.appendEvents([{ at: clock.now(), pool: pool.name, reason: 'AutoscalingResumed', message: 'autoscaling resumed by request: the autoscaler sets the size at its next evaluation' }]);
        return { pool: pool.name, resumed };
      },
    }),
  ];
}
