import { z } from 'zod';
import { DISRUPTION_REASONS, type BudgetAmount, type DisruptionBudget } from '../domain/disruption/budget.js';
import { DEFAULT_DISRUPTION, type DisruptionPolicy } from '../domain/disruption/policy.js';
import { checkSchedule } from '../domain/scaling/schedule.js';
import { Duration } from './scaling-schema.js';

/** A count of machines (`3`) or a share of the pool (`"10%"`). */
const Amount = z
  .union([z.int().min(0), z.string().regex(/^\d+(\.\d+)?%$/, { message: 'is not an amount: write a count (3) or a share ("10%")' })])
  .transform((v): BudgetAmount => (typeof v === 'number' ? { count: v } : { percent: Number.parseFloat(v) }))
  .describe('A count of machines (3) or a share of the pool ("10%").');

const Budget = z
  .strictObject({
    max: Amount.describe('Most machines in voluntary replacement at once while this budget applies; 0 holds all voluntary work.'),
    reasons: z.array(z.enum(DISRUPTION_REASONS)).min(1).optional().describe('The voluntary reasons it limits (drift, lifetime, rebalance); all when left out. Healing is never limited.'),
    schedule: z.string().min(1).optional().describe('Cron (5 fields) opening the budget\'s window; the budget applies at any time when left out.'),
    duration: Duration.optional().describe('How long the window stays open after each firing of `schedule`.'),
    timezone: z.string().min(1).default('UTC').describe('IANA time zone `schedule` is read in, e.g. Europe/Paris.'),
  })
  .superRefine((b, ctx) => {
    if ((b.schedule === undefined) !== (b.duration === undefined)) {
      ctx.addIssue({ code: 'custom', path: [b.schedule === undefined ? 'schedule' : 'duration'], message: 'a window needs both `schedule` and `duration`', params: { hint: 'add the missing one, or remove both for a budget that applies at any time' } });
      return;
    }
    if (b.schedule === undefined) return;
    try {
      checkSchedule(b.schedule, b.timezone);
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['schedule'], message: `invalid schedule: ${(e as Error).message}`, params: { hint: 'write five cron fields (minute hour day month weekday) and an IANA time zone like Europe/Paris' } });
    }
  })
  .transform(
    (b): DisruptionBudget => ({
      max: b.max,
      ...(b.reasons ? { reasons: b.reasons } : {}),
      ...(b.schedule !== undefined && b.duration !== undefined ? { window: { cron: b.schedule, timezone: b.timezone, durationMs: b.duration * 1000 } } : {}),
    }),
  );

/** A pool's `rollout:`: how drifted and old machines are replaced, through a replace operation. */
export const RolloutSchema = z
  .strictObject({
    mode: z.enum(['automatic', 'manual']).default('automatic').describe('automatic: drifted and old machines are replaced by an operation flotte starts; manual: they are only listed (`flotte drift`).'),
    maxUnavailable: Amount.default({ percent: 10 }).describe('Machines replaced at once (launch first: each old machine serves until its replacement is ready); the budget may lower it.'),
    minHealthy: Amount.optional().describe('Never start a replacement that would leave fewer ready machines than this.'),
    canary: z.strictObject({ count: z.int().min(1), bake: Duration.default(300) }).optional().describe('The first `count` machines go alone and must stay healthy for `bake` before the rest.'),
    failureThreshold: z.int().min(0).optional().describe('Failed replacements beyond this roll the operation back (default: 5% of its machines).'),
  })
  .describe('How drifted and old machines are replaced.');

export const DisruptionSchema = z
  .strictObject({ budgets: z.array(Budget).max(50).default([]).describe('The tightest budget whose window is open applies; 10% of the pool when none does.') })
  .describe('Limits on voluntary replacement (drift, lifetime, rebalance), per reason and per time window.');

/** The parsed pool fields, as the domain's policy. */
export function disruptionPolicy(p: { rollout?: z.infer<typeof RolloutSchema> | undefined; disruption?: z.infer<typeof DisruptionSchema> | undefined; maxLifetime?: number | undefined }): DisruptionPolicy | undefined {
  if (!p.rollout && !p.disruption && p.maxLifetime === undefined) return undefined;
  const r = p.rollout;
  return {
    rollout: r
      ? {
          mode: r.mode,
          maxUnavailable: r.maxUnavailable,
          ...(r.minHealthy ? { minHealthy: r.minHealthy } : {}),
          ...(r.canary ? { canary: { count: r.canary.count, bakeMs: r.canary.bake * 1000 } } : {}),
          ...(r.failureThreshold !== undefined ? { failureThreshold: r.failureThreshold } : {}),
        }
      : DEFAULT_DISRUPTION.rollout,
    budgets: p.disruption?.budgets ?? [],
    ...(p.maxLifetime !== undefined ? { maxLifetimeMs: p.maxLifetime * 1000 } : {}),
  };
}

/** `maxLifetime`: machines are replaced (launch first, under the budget) once this old; at least an hour, so a typo cannot churn a pool. */
export const MaxLifetime = Duration.pipe(z.number().min(3600, { message: 'is shorter than an hour: write a lifetime like 7d or 36h' })).describe(
  'Machines older than this are replaced, launch first and under the disruption budget, spread over a tenth of it; at least 1h.',
);
