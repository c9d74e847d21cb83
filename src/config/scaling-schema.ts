import { z } from 'zod';
import { checkSchedule } from '../domain/scaling/schedule.js';
import { DEFAULT_SCALING, PREDICTIVE_DEFAULTS, PREDICTIVE_LIMITS, type ScalingSpec } from '../domain/scaling/spec.js';

/** Seconds as a number, or a string like `30s`, `5m`, `1h`. */
export const Duration = z.union([
  z.number().min(0),
  z
    .string()
    .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, { message: 'is not a duration: write seconds (30) or 30s, 5m, 1h, 14d' })
    .transform((s) => {
      const n = Number.parseFloat(s);
      const unit = s.replace(/^[\d.]+/, '');
      return unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : unit === 'd' ? n * 86_400 : n;
    }),
]).describe('Seconds as a number, or a string like 30s, 5m, 1h, 14d.');
const Url = z.string().url();
const Timeout = Duration.optional();

const Metric = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('prometheus'), url: Url, query: z.string().min(1), timeoutSeconds: Timeout }),
  z.strictObject({ type: z.literal('http-json'), url: Url, path: z.string().min(1), timePath: z.string().min(1).optional(), headers: z.record(z.string(), z.string()).optional(), timeoutSeconds: Timeout }),
  z.strictObject({
    type: z.literal('redis'),
    url: z.string().regex(/^rediss?:\/\//).default('redis://127.0.0.1:6379'),
    kind: z.enum(['list', 'bullmq', 'stream']),
    key: z.string().min(1),
    group: z.string().min(1).optional(),
    prefix: z.string().min(1).optional(),
    watch: z
      .enum(['auto', 'enable', 'off'])
      .optional()
      .describe('Keyspace notifications (default auto): auto listens when Redis publishes them (and says so when not), enable turns them on with CONFIG SET, off reads at each evaluation only.'),
  }),
  z.strictObject({ type: z.literal('rabbitmq'), url: z.string().regex(/^amqps?:\/\//).default('amqp://guest:guest@127.0.0.1:5672'), queue: z.string().min(1) }),
  z.strictObject({ type: z.literal('push').describe('Samples pushed to POST /api/v1/pools/<pool>/metrics (docs/autoscaling-push.md); each arrival brings the evaluation forward.') }),
  z.strictObject({ type: z.literal('agents'), measure: z.enum(['cpu', 'load', 'busy']) }),
  z.strictObject({
    type: z.literal('trace'),
    curve: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('csv'), csv: z.string().min(1), loopSeconds: z.number().positive().optional() }),
      z.strictObject({
        kind: z.literal('daily'),
        base: z.number().min(0).default(100),
        peak: z.number().min(0).default(5_000),
        peakHour: z.number().min(0).max(24).default(14),
        spikesPerDay: z.int().min(0).default(6),
        spikeHeight: z.number().min(0).default(3_000),
        spikeMinutes: z.number().positive().default(20),
        growthPerDay: z.number().min(0).default(0),
        seed: z.int().default(1),
        periodSeconds: z.number().positive().optional(),
      }),
    ]),
  }),
]);

const Step = z.strictObject({ lower: z.number().optional(), upper: z.number().optional(), change: z.int() });

/** Predictive scaling on a target-tracking policy (docs/design/0004-autoscaling.md). */
const Predictive = z.strictObject({
  mode: z.enum(['forecast-only', 'on']).default(PREDICTIVE_DEFAULTS.mode),
  /** How far ahead: `auto` is the pool's observed boot time. */
  lead: z.union([z.literal('auto'), Duration.pipe(z.number().min(1).max(PREDICTIVE_LIMITS.maxLead))]).default(PREDICTIVE_DEFAULTS.lead),
  history: Duration.pipe(z.number().min(PREDICTIVE_LIMITS.minHistory).max(PREDICTIVE_LIMITS.maxHistory)).default(PREDICTIVE_DEFAULTS.history),
});

const Policy = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('target-tracking'),
    name: z.string().optional(),
    metric: z.string().min(1),
    /** Per machine: e.g. 100 jobs of backlog, or 60 (% CPU) for an average. */
    target: z.number().positive(),
    aggregate: z.enum(['total', 'average']).default('total'),
    tolerance: z.number().min(0).max(1).default(DEFAULT_SCALING.tolerance),
    predictive: Predictive.optional(),
  }),
  z.strictObject({ type: z.literal('step'), name: z.string().optional(), metric: z.string().min(1), adjustment: z.enum(['absolute', 'percent']).default('absolute'), steps: z.array(Step).min(1) }),
  z.strictObject({
    type: z.literal('schedule'),
    name: z.string().optional(),
    cron: z.string().min(1),
    timezone: z.string().min(1).default('UTC'),
    duration: Duration,
    min: z.int().min(0).optional(),
    max: z.int().min(0).optional(),
    desired: z.int().min(0).optional(),
  }),
]);

/** `pools.<name>.scaling` in flotte.yaml. Durations are seconds (or `30s`, `5m`, `1h`). */
export const ScalingSchema = z
  .strictObject({
    metrics: z.record(z.string().regex(/^[A-Za-z][\w-]*$/), Metric).default({}),
    policies: z.array(Policy).min(1),
    evaluationInterval: Duration.pipe(z.number().min(1)).default(DEFAULT_SCALING.evaluationInterval),
    stabilization: z.strictObject({ scaleIn: Duration.default(DEFAULT_SCALING.stabilization.scaleIn), scaleOut: Duration.default(DEFAULT_SCALING.stabilization.scaleOut) }).prefault({}),
    cooldowns: z.strictObject({ scaleOut: Duration.default(DEFAULT_SCALING.cooldowns.scaleOut), scaleIn: Duration.default(DEFAULT_SCALING.cooldowns.scaleIn) }).prefault({}),
    maxStep: z.strictObject({ absolute: z.int().min(1).optional(), percent: z.number().positive().optional() }).default({}),
    warmup: Duration.default(DEFAULT_SCALING.warmup),
    staleAfter: Duration.optional(),
    dryRun: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    for (const [name, m] of Object.entries(s.metrics)) {
      // A stream's backlog is its consumer group's pending entries: without the group there is nothing to read.
      if (m.type === 'redis' && m.kind === 'stream' && m.group === undefined) {
        ctx.addIssue({ code: 'custom', path: ['metrics', name, 'group'], message: 'a redis stream metric needs the consumer group whose backlog it reads', params: { hint: 'add group: <the consumer group your workers read with>' } });
      }
    }
    s.policies.forEach((p, i) => {
      if (p.type !== 'schedule' && !(p.metric in s.metrics)) {
        const known = Object.keys(s.metrics);
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'metric'], message: `metric "${p.metric}" is not defined`, params: { hint: known.length ? `use one of ${known.join(', ')}, or define it under scaling.metrics` : 'define it under scaling.metrics' } });
      }
      if (p.type === 'target-tracking' && p.predictive && p.aggregate !== 'total') {
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'predictive'], message: `predictive scaling forecasts a total, not the average ${p.metric}, which moves with the pool's own size`, params: { hint: 'put predictive on a target-tracking policy with aggregate: total (a queue, requests per second)' } });
      }
      if (p.type === 'schedule') {
        try {
          checkSchedule(p.cron, p.timezone);
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['policies', i, 'cron'], message: `invalid schedule: ${(e as Error).message}`, params: { hint: 'write five cron fields (minute hour day month weekday) and an IANA time zone like Europe/Paris' } });
        }
      }
    });
  });

export type ScalingConfig = z.infer<typeof ScalingSchema>;

// The parsed config is stored as the domain's spec as it is: this fails to compile if they drift.
const _fits = (c: ScalingConfig): ScalingSpec => c;
void _fits;
