import { z } from 'zod';
import { MAX_PUSHED_SAMPLES, PUSH_FUTURE_TOLERANCE_MS, pushRefusal, type PushedSample } from '../../domain/scaling/pushed.js';
import type { ApiDeps } from '../app.js';
import { PushedSamplesSchema } from '../contract/index.js';
import { ApiError, notFound, type FieldProblem } from '../errors.js';
import { defineRoute } from '../route.js';

const Sample = z.strictObject({
  /** A metric the pool declares `{ type: push }`. */
  metric: z.string().min(1),
  value: z.number(),
  /** When the value was true (ISO 8601); the time of arrival when left out. */
  at: z.iso.datetime({ offset: true, message: 'an ISO 8601 time like 2026-01-02T03:04:05Z (or leave it out: the time of arrival)' }).optional(),
});

/**
 * Metric samples pushed by whoever knows the load first (a queue's producer, a scheduler): the
 * pool's autoscaler decides when a sample arrives instead of at its next evaluation.
 */
export function pushedMetricRoutes(deps: ApiDeps) {
  const { store, clock } = deps;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/pools/:name/metrics',
      summary: "Push samples of a pool's pushed metrics; its autoscaler decides on arrival",
      tags: ['pools'],
      permission: 'metrics:push',
      // A feed, not a change a person made: an audit row per sample would bury the real ones.
      auditRefusalsOnly: true,
      response: PushedSamplesSchema,
      params: z.object({ name: z.string().min(1) }),
      body: z.strictObject({ samples: z.array(Sample).min(1).max(MAX_PUSHED_SAMPLES) }),
      async handler({ params, body }) {
        const pool = await store.getPool(params.name);
        if (!pool) throw notFound('pool', params.name);
        const now = clock.now();
        const problems: FieldProblem[] = [];
        const samples: PushedSample[] = body.samples.map((s, i) => {
          const refusal = pushRefusal(pool.name, pool.scaling, s.metric);
          if (refusal) problems.push({ field: `body.samples.${i}.metric`, message: refusal });
          const at = s.at === undefined ? now : Date.parse(s.at);
          if (at > now + PUSH_FUTURE_TOLERANCE_MS) {
            problems.push({ field: `body.samples.${i}.at`, message: `is ${Math.round((at - now) / 1000)} s ahead of this server's clock (at most ${PUSH_FUTURE_TOLERANCE_MS / 1000} s): check the pusher's clock, or leave at out to use the time of arrival` });
          }
          return { pool: pool.name, metric: s.metric, value: s.value, at, receivedAt: now };
        });
        if (problems.length) throw new ApiError('invalid_request', `invalid request: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
        await store.pushedMetrics.put(samples);
        // Stored first: a controller in another process finds it there; one in this process hears it now.
        deps.samplesPushed?.(samples);
        return { pool: pool.name, accepted: samples.length, samples: samples.map((s) => ({ metric: s.metric, value: s.value, at: new Date(s.at).toISOString() })) };
      },
    }),
  ];
}
