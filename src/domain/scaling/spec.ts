/**
 * A pool's autoscaling, as declared in flotte.yaml (`pools.<name>.scaling`) and stored with
 * the pool. Pure data: the config schema validates it, the metric sources read their own
 * connection settings from it, and `decide()` reads the rest. Durations are seconds.
 */
export interface ScalingSpec {
  /** Named metrics; policies refer to them by name. */
  metrics: Record<string, MetricSourceSpec>;
  policies: PolicySpec[];
  /** Seconds between two evaluations (default 10, down to 1). */
  evaluationInterval: number;
  stabilization: {
    /** Scale in only to the highest recommendation of this many seconds (default 300). */
    scaleIn: number;
    /** Scale out only to the lowest recommendation of this many seconds (default 0: at once). */
    scaleOut: number;
  };
  cooldowns: {
    /** After a scale-out, no further scale-out for this long (default 0). */
    scaleOut: number;
    /** After any change, no scale-in for this long (default 0). */
    scaleIn: number;
  };
  /** Largest change per decision; both limits apply when both are set. */
  maxStep: { absolute?: number | undefined; percent?: number | undefined };
  /** A machine's own metrics (averages) count only this long after it became ready. */
  warmup: number;
  /** A sample older than this is stale (default: 3 evaluation intervals, at least 30 s). */
  staleAfter?: number | undefined;
  /** Decide and explain, but never change the pool. */
  dryRun: boolean;
}

export type MetricSourceSpec =
  | { type: 'prometheus'; url: string; query: string; timeoutSeconds?: number | undefined }
  | { type: 'http-json'; url: string; path: string; timePath?: string | undefined; headers?: Record<string, string> | undefined; timeoutSeconds?: number | undefined }
  | { type: 'redis'; url: string; kind: 'list' | 'bullmq' | 'stream'; key: string; group?: string | undefined; prefix?: string | undefined; watch?: RedisWatch | undefined }
  | { type: 'rabbitmq'; url: string; queue: string }
  | { type: 'push' }
  | { type: 'agents'; measure: 'cpu' | 'load' | 'busy' }
  | { type: 'trace'; curve: TraceCurve };

/**
 * Whether a Redis source also listens to Redis's keyspace notifications for its key, so an
 * addition brings the pool's evaluation forward (docs/autoscaling-push.md): `auto` listens when
 * the server publishes them and says so when it does not, `enable` turns them on (CONFIG SET,
 * keeping the flags already set), `off` only reads at each evaluation.
 */
export type RedisWatch = 'auto' | 'enable' | 'off';

/** A synthetic workload: a CSV of `seconds,value` rows, or the built-in daily curve with bursts. */
export type TraceCurve =
  | { kind: 'csv'; csv: string; loopSeconds?: number | undefined; origin?: number | undefined }
  | DailyCurve;

/** A day of load: a smooth swell peaking at `peakHour` UTC, seeded bursts, slow growth from `origin`. */
export interface DailyCurve {
  kind: 'daily';
  base: number;
  peak: number;
  peakHour: number;
  spikesPerDay: number;
  spikeHeight: number;
  spikeMinutes: number;
  /** Fractional growth per day since `origin` (epoch ms; default 2026-01-01). */
  growthPerDay: number;
  origin?: number | undefined;
  seed: number;
  /** Length of one "day" in real seconds (default 86,400); demos shorten it so a day passes in minutes. */
  periodSeconds?: number | undefined;
}

/**
 * - target-tracking: desired = ceil(total / target) for a `total` metric (a backlog), or
 *   ceil(warm machines × average / target) for an `average` one (CPU); no change inside the
 *   tolerance band around the target.
 * - step: the first matching threshold band adds machines, or a percentage of them.
 * - schedule: while the cron's period is on (from each firing for `duration` seconds, in
 *   `timezone`), sets min, max and a desired floor.
 */
export type PolicySpec =
  | { type: 'target-tracking'; name?: string | undefined; metric: string; target: number; aggregate: 'total' | 'average'; tolerance: number; predictive?: PredictiveSpec | undefined }
  | { type: 'step'; name?: string | undefined; metric: string; steps: StepSpec[]; adjustment: 'absolute' | 'percent' }
  | { type: 'schedule'; name?: string | undefined; cron: string; timezone: string; duration: number; min?: number | undefined; max?: number | undefined; desired?: number | undefined };

/**
 * Predictive scaling on a target-tracking policy of a total (`forecast.ts` says how the forecast
 * is made): the policy also proposes ceil(forecast at now + lead ÷ target), and the larger of
 * that and its reactive proposal stands, so it never scales in below what the present load
 * needs. `forecast-only` explains what it would do and acts on the reactive proposal alone.
 */
export interface PredictiveSpec {
  mode: 'forecast-only' | 'on';
  /** Seconds ahead to forecast, or `auto`: the pool's boot time. */
  lead: 'auto' | number;
  /** Seconds of past the forecast reads (default 14 days: two of each weekday). */
  history: number;
}

export const PREDICTIVE_DEFAULTS = { mode: 'forecast-only', lead: 'auto', history: 14 * 86_400 } as const;
/**
 * Seconds. A lead of at most 6 h: the forecast reads the same hour of past days, which a longer
 * lead would ask of a day not yet ended. At least a day of history, at most 60 days kept.
 */
export const PREDICTIVE_LIMITS = { maxLead: 6 * 3600, minHistory: 86_400, maxHistory: 60 * 86_400 } as const;

/** Applies when lower ≤ value < upper (either bound may be left out). */
export interface StepSpec {
  lower?: number | undefined;
  upper?: number | undefined;
  /** Machines (or percent of current) to add; negative removes. */
  change: number;
}

export const DEFAULT_SCALING = {
  evaluationInterval: 10,
  stabilization: { scaleIn: 300, scaleOut: 0 },
  cooldowns: { scaleOut: 0, scaleIn: 0 },
  warmup: 0,
  tolerance: 0.1,
} as const;

/** Seconds after which a sample no longer counts. */
export function staleAfterSeconds(spec: ScalingSpec): number {
  return spec.staleAfter ?? Math.max(30, 3 * spec.evaluationInterval);
}

/** How explanations name a policy: its own name, else what it does. */
export const policyName = (p: PolicySpec): string => p.name ?? (p.type === 'schedule' ? `schedule "${p.cron}" (${p.timezone})` : `${p.type} on ${p.metric}`);
