import type { PolicySpec } from './spec.js';

/** One reading of a metric. `at` is when the value was true (the source's own time when it has one). */
export interface MetricSample {
  value: number;
  at: number;
}

/** What `decide()` got for a metric: a sample, or why there is none. */
export type MetricReading = MetricSample | { error: string };

export interface MetricInput {
  metric: string;
  value?: number | undefined;
  at?: number | undefined;
  /** Set when the reading failed or is too old; such an input blocks any scale-in. */
  problem?: string | undefined;
}

export interface Proposal {
  policy: string;
  type: 'target-tracking' | 'step' | 'schedule';
  /** Undefined: the policy has no opinion this time (no data, no band matched, schedule off). */
  desired?: number | undefined;
  why: string;
  /** A predictive policy's forecast, set against the reading now. */
  forecast?: ProposalForecast | undefined;
}

/** What a predictive policy forecast, and what it would set (or set, when `acting`). */
export interface ProposalForecast {
  metric: string;
  /** The time forecast (now + lead) and the value expected then. */
  at: number;
  value: number;
  /** The model's value for now and the metric's actual reading now. */
  modelNow?: number | undefined;
  actual?: number | undefined;
  /** ceil(value ÷ target): the size the forecast asks for. */
  desired: number;
  /** False in `forecast-only` mode: recorded, not applied. */
  acting: boolean;
}

/** A stage of the decision that changed the number: the explanation names each. */
export interface Adjustment {
  stage: 'stale-hold' | 'stabilization' | 'cooldown' | 'max-step' | 'bounds';
  from: number;
  to: number;
  why: string;
}

/** Every decision as stored and explained: inputs, proposals, what changed the result, the result. */
export interface ScalingDecision {
  pool: string;
  at: number;
  /** Desired size before this decision. */
  current: number;
  /** The combined proposal before windows, cooldowns, steps and bounds; undefined when nothing proposed. */
  recommendation?: number | undefined;
  desired: number;
  inputs: MetricInput[];
  proposals: Proposal[];
  adjustments: Adjustment[];
  /** Why the pool held when data was missing or stale. */
  held?: string | undefined;
  dryRun: boolean;
  /** One line in plain words. */
  summary: string;
}

/** What the autoscaler remembers between decisions of one pool. */
export interface ScalingState {
  /** The pool's desired size now, and its bounds from flotte.yaml. */
  current: number;
  min: number;
  max: number;
  /** Ready machines past their warm-up, and machines launched but not yet warm. */
  warm: number;
  warming: number;
  /** Recent recommendations, oldest first: the stabilization windows read them. */
  history: readonly { at: number; value: number }[];
  lastScaleOutAt?: number | undefined;
  lastScaleInAt?: number | undefined;
  /**
   * Predictive policies' forecasts for this evaluation (`forecast.ts`), by policy: the spec's own
   * policy objects, as `decide` passes them to `propose`. Not by metric: two policies on one
   * metric may look ahead by different leads.
   */
  forecasts?: ReadonlyMap<PolicySpec, { at: number; value: number; now: number }> | undefined;
}
