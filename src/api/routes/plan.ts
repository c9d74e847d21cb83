import { z } from 'zod';
import { isInlineCsv, parsePlan } from '../../planner/load.js';
import { runPlan } from '../../planner/run-plan.js';
import type { Plan } from '../../planner/schema.js';
import { ApiError } from '../errors.js';
import { defineRoute } from '../route.js';
import { PlanResultSchema } from '../contract/index.js';

/**
 * Simulated steps one request may replay (scenarios × steps, forecast months included):
 * about one scenario-month at 10 s steps, which fits well inside the handler deadline.
 * Bigger plans belong to `flotte plan`, which runs in the caller's own process.
 */
export const API_PLAN_MAX_STEPS = 300_000;

export function planSteps(plan: Plan): number {
  const f = plan.workload.forecast;
  // Each replay (the window and every forecast month's sample) runs the warm-up first.
  const warm = plan.warmup ?? 0;
  const perScenario = plan.duration + warm + (f ? (f.months + 1) * (Math.min(f.sample, plan.duration) + warm) : 0);
  return Math.ceil(perScenario / plan.step) * plan.scenarios.length;
}

export function planRoutes() {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/plan',
      summary: 'Replay a capacity plan (YAML in `source`) on the sim cloud and return the comparison; changes nothing',
      tags: ['planner'],
      permission: 'pools:read',
      response: PlanResultSchema,
      body: z.object({ source: z.string().max(2_000_000), file: z.string().default('plan.yaml') }).strict(),
      async handler({ body }) {
        const parsed = parsePlan(body.source, body.file);
        if (!parsed.ok) {
          throw new ApiError(
            'invalid_config',
            `${body.file} has ${parsed.errors.length} problem(s)`,
            parsed.errors.map((e) => ({ field: e.path, message: `${e.message} (${e.hint})` })),
            { errors: parsed.errors },
          );
        }
        const trace = parsed.plan.workload.trace;
        // The server reads no file a caller names: a CSV trace comes inline.
        if ('csv' in trace && !isInlineCsv(trace.csv)) {
          throw new ApiError('invalid_request', 'workload.trace.csv names a file; over the API the CSV rows must be inline', [{ field: 'workload.trace.csv', message: 'give the rows, not a path' }]);
        }
        const steps = planSteps(parsed.plan);
        if (steps > API_PLAN_MAX_STEPS) {
          throw new ApiError('out_of_bounds', `the plan replays ${steps} steps; the API runs at most ${API_PLAN_MAX_STEPS} (run it with \`flotte plan -f\` instead)`, [{ field: 'duration', message: 'shorten the plan, lengthen step, or use the CLI' }], { steps, max: API_PLAN_MAX_STEPS });
        }
        return runPlan(parsed.plan);
      },
    }),
  ];
}
