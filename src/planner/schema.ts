import { z } from 'zod';
import { PREDICTIVE_DEFAULTS, PREDICTIVE_LIMITS } from '../domain/scaling/spec.js';

/**
 * The plan file (`flotte plan -f plan.yaml`): one workload and the pool designs to compare on
 * it. Prices and sizes come from here, never from the network, so a plan is reproducible.
 * Durations are seconds, or a string with a unit: `90s`, `15m`, `12h`, `30d`.
 */
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
const duration = z.preprocess((v) => {
  const m = typeof v === 'string' ? DURATION_RE.exec(v.trim()) : null;
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]!]! : v;
}, z.number().positive());

const share = z.number().min(0).max(1);
const range = z.object({ min: z.number().nonnegative(), max: z.number().nonnegative() }).strict().refine((r) => r.max >= r.min, 'max must be at least min');

/** The built-in daily curve: the same fields as the autoscaler's `trace` metric source. */
const DailyCurve = z
  .object({
    base: z.number().nonnegative(),
    peak: z.number().nonnegative(),
    peakHour: z.number().min(0).max(24).default(14),
    spikesPerDay: z.number().int().nonnegative().default(0),
    spikeHeight: z.number().nonnegative().default(0),
    spikeMinutes: z.number().positive().default(15),
    growthPerDay: z.number().default(0),
  })
  .strict();

const Trace = z.union([
  z.object({ daily: DailyCurve }).strict(),
  /** `seconds,work-per-second` rows; a path is read relative to the plan file. */
  z.object({ csv: z.string().min(1), loop: duration.optional() }).strict(),
  /** A constant rate: the arithmetic check. */
  z.object({ constant: z.number().nonnegative() }).strict(),
]);

const Forecast = z
  .object({
    /** Growth per month as a share: 0.08 is +8% a month, compounded. */
    monthlyGrowth: z.number().min(-0.9).max(10),
    months: z.number().int().min(1).max(60),
    /** How much of each forecast month is replayed (at that month's load). */
    sample: duration.default(86_400),
  })
  .strict();

const StepBand = z.object({ lower: z.number().optional(), upper: z.number().optional(), change: z.number() }).strict();

/** Predictive scaling as flotte.yaml has it (`lead: auto` is the scenario's slowest boot). */
const Predictive = z
  .object({
    mode: z.enum(['forecast-only', 'on']).default(PREDICTIVE_DEFAULTS.mode),
    lead: z.union([z.literal('auto'), duration.pipe(z.number().max(PREDICTIVE_LIMITS.maxLead))]).default(PREDICTIVE_DEFAULTS.lead),
    history: duration.pipe(z.number().min(PREDICTIVE_LIMITS.minHistory).max(PREDICTIVE_LIMITS.maxHistory)).default(PREDICTIVE_DEFAULTS.history),
  })
  .strict();

/** Policies as the autoscaler takes them; metrics are the planner's own: load, busy, backlog, delay. */
export const PLANNER_METRICS = ['load', 'busy', 'backlog', 'delay'] as const;
const metric = z.enum(PLANNER_METRICS);
const Policy = z.discriminatedUnion('type', [
  z.object({ type: z.literal('target-tracking'), name: z.string().optional(), metric, target: z.number().positive(), aggregate: z.enum(['total', 'average']).optional(), tolerance: share.default(0.1), predictive: Predictive.optional() }).strict(),
  z.object({ type: z.literal('step'), name: z.string().optional(), metric, steps: z.array(StepBand).min(1), adjustment: z.enum(['absolute', 'percent']).default('absolute') }).strict(),
  z.object({ type: z.literal('schedule'), name: z.string().optional(), cron: z.string().min(1), timezone: z.string().default('UTC'), duration, min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional(), desired: z.number().int().nonnegative().optional() }).strict(),
]);

const Scaling = z
  .object({
    evaluationInterval: duration.default(10),
    policies: z.array(Policy).min(1),
    stabilization: z.object({ scaleIn: z.number().nonnegative().default(300), scaleOut: z.number().nonnegative().default(0) }).strict().default({ scaleIn: 300, scaleOut: 0 }),
    cooldowns: z.object({ scaleOut: z.number().nonnegative().default(0), scaleIn: z.number().nonnegative().default(0) }).strict().default({ scaleOut: 0, scaleIn: 0 }),
    maxStep: z.object({ absolute: z.number().int().positive().optional(), percent: z.number().positive().optional() }).strict().default({}),
  })
  .strict();

const Market = z.discriminatedUnion('type', [
  z.object({ type: z.literal('on-demand') }).strict(),
  /** Spot: cheaper, and each machine is reclaimed at this rate (per machine-hour). */
  z.object({ type: z.literal('spot'), interruptionsPerHour: z.number().nonnegative() }).strict(),
  /** Reserved or private-cloud capacity: a fixed monthly bill and at most `capacity` machines. */
  z.object({ type: z.literal('reserved'), monthlyCost: z.number().nonnegative(), capacity: z.number().int().positive() }).strict(),
]);

const Scenario = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes, starting with a letter'),
    /** The cloud it stands for: a label (aws, openstack…); the replay runs on the sim cloud. */
    provider: z.string().min(1),
    size: z.object({ name: z.string().min(1), throughput: z.number().positive(), pricePerHour: z.number().nonnegative().default(0) }).strict(),
    market: Market.default({ type: 'on-demand' }),
    bootSeconds: range.default({ min: 60, max: 120 }),
    failures: z.object({ launchFailureRate: share.default(0), deathsPerHour: z.number().nonnegative().default(0) }).strict().default({ launchFailureRate: 0, deathsPerHour: 0 }),
    pool: z.object({ min: z.number().int().nonnegative().default(0), max: z.number().int().positive(), initial: z.number().int().nonnegative().default(0) }).strict(),
    /** Without scaling the pool stays at `initial`: a fixed design. */
    scaling: Scaling.optional(),
    zones: z.array(z.string().min(1)).min(1).default(['zone-a', 'zone-b', 'zone-c']),
  })
  .strict();

export const PlanSchema = z
  .object({
    seed: z.number().int().default(1),
    start: z.iso.datetime().default('2026-01-05T00:00:00Z'),
    duration: duration.default(7 * 86_400),
    /** Replayed before `start` and left out of every figure: gives a predictive policy its past days. */
    warmup: duration.optional(),
    /** Simulated seconds per step: the controller tick and the finest chart resolution. */
    step: duration.default(10),
    slo: z.object({ queueDelay: duration }).strict().default({ queueDelay: 300 }),
    workload: z.object({ unit: z.string().default('jobs'), trace: Trace, forecast: Forecast.optional() }).strict(),
    scenarios: z.array(Scenario).min(1),
  })
  .strict()
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    plan.scenarios.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['scenarios', i, 'name'], message: `scenario "${s.name}" is named twice` });
      seen.add(s.name);
      if (s.pool.initial > s.pool.max || s.pool.min > s.pool.max) ctx.addIssue({ code: 'custom', path: ['scenarios', i, 'pool'], message: 'min and initial must not exceed max' });
      s.scaling?.policies.forEach((p, j) => {
        if (p.type === 'target-tracking' && p.predictive && (p.aggregate ?? (p.metric === 'load' || p.metric === 'backlog' ? 'total' : 'average')) !== 'total') {
          ctx.addIssue({ code: 'custom', path: ['scenarios', i, 'scaling', 'policies', j, 'predictive'], message: `predictive scaling forecasts a total (load or backlog), not the average ${p.metric}, which moves with the pool's own size`, params: { hint: 'put predictive on a target-tracking policy of load' } });
        }
      });
    });
  });

export type PlanInput = z.input<typeof PlanSchema>;
export type Plan = z.output<typeof PlanSchema>;
export type PlanScenario = Plan['scenarios'][number];
export type PlanPolicy = NonNullable<PlanScenario['scaling']>['policies'][number];
export type PlanTrace = Plan['workload']['trace'];
