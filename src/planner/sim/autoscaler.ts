import { afterDecision, decideSize } from '../../domain/scaling/decide.js';
import type { MetricSample, ScalingState } from '../../domain/scaling/decision.js';
import { forecastsFor, MetricHistory, predictedMetrics } from '../../domain/scaling/forecast.js';
import type { MetricSourceSpec, PolicySpec, ScalingSpec } from '../../domain/scaling/spec.js';
import { PLANNER_METRICS, type PlanScenario } from '../schema.js';

/** The replay's readings at one evaluation, named as plan policies refer to them. */
export interface PlannerReadings {
  /** Work arriving per second. */
  load: number;
  /** Share (0..1) of ready capacity that served work over the last step. */
  busy: number;
  /** Work waiting, in work units. */
  backlog: number;
  /** Seconds the oldest waiting work has waited. */
  delay: number;
}

/** `busy` and `delay` are per-machine figures (averages); `load` and `backlog` are pool totals. */
const AGGREGATE: Record<(typeof PLANNER_METRICS)[number], 'total' | 'average'> = { load: 'total', backlog: 'total', busy: 'average', delay: 'average' };

/** The plan's scaling section as the autoscaler's own spec, so `decide()` runs unchanged. */
export function scalingSpec(scaling: NonNullable<PlanScenario['scaling']>): ScalingSpec {
  // decide() reads only the metric names; the replay hands in the readings itself.
  const metrics: Record<string, MetricSourceSpec> = Object.fromEntries(PLANNER_METRICS.map((m) => [m, { type: 'agents', measure: 'busy' } as const]));
  const policies = scaling.policies.map((p): PolicySpec => (p.type === 'target-tracking' ? { ...p, aggregate: p.aggregate ?? AGGREGATE[p.metric] } : p));
  return {
    metrics,
    policies,
    evaluationInterval: scaling.evaluationInterval,
    stabilization: scaling.stabilization,
    cooldowns: scaling.cooldowns,
    maxStep: scaling.maxStep,
    warmup: 0,
    dryRun: false,
  };
}

/**
 * The autoscaler as the replay drives it: the real `decide()` stages (through `decideSize`,
 * which skips the explanation nobody reads here) and `afterDecision()` each evaluation
 * interval, with the sim cloud's running and booting machines as warm and warming.
 */
export class PlanAutoscaler {
  private state: ScalingState;
  scaleOuts = 0;
  scaleIns = 0;
  /** The readings handed to each evaluation, refilled in place: decideSize keeps none of them. */
  private readonly samples = { load: { value: 0, at: 0 }, busy: { value: 0, at: 0 }, backlog: { value: 0, at: 0 }, delay: { value: 0, at: 0 } } satisfies Record<keyof PlannerReadings, MetricSample>;
  private readonly readings = new Map<string, MetricSample>(Object.entries(this.samples));
  /** What predictive policies read: the replay's own readings so far, as the live autoscaler keeps them. */
  private readonly histories: Map<keyof PlannerReadings, MetricHistory>;

  /** `bootSeconds`: what a predictive policy's `lead: auto` means (the scenario's slowest boot). */
  constructor(
    private readonly spec: ScalingSpec,
    min: number,
    max: number,
    desired: number,
    private readonly bootSeconds = 0,
  ) {
    this.state = { current: desired, min, max, warm: 0, warming: 0, history: [] };
    this.histories = new Map([...predictedMetrics(spec)].map(([m, keepMs]) => [m as keyof PlannerReadings, new MetricHistory(keepMs)]));
  }

  /** Starts the scale-out and scale-in counts afresh (the end of a warm-up). */
  resetCounts(): void {
    this.scaleOuts = this.scaleIns = 0;
  }

  get desired(): number {
    return this.state.current;
  }

  evaluate(r: PlannerReadings, warm: number, warming: number, now: number): number {
    const s = this.samples;
    s.load.value = r.load;
    s.busy.value = r.busy;
    s.backlog.value = r.backlog;
    s.delay.value = r.delay;
    s.load.at = s.busy.at = s.backlog.at = s.delay.at = now;
    // The state is this object's own (afterDecision returns a new one each time): warm and warming are set for this evaluation only.
    this.state.warm = warm;
    this.state.warming = warming;
    if (this.histories.size > 0) {
      for (const [m, h] of this.histories) h.add(now, r[m]);
      this.state.forecasts = forecastsFor(this.spec, this.histories, now, this.bootSeconds);
    }
    const decision = decideSize(this.spec, this.readings, this.state, now);
    if (decision.desired > this.state.current) this.scaleOuts++;
    else if (decision.desired < this.state.current) this.scaleIns++;
    this.state = afterDecision(this.state, decision, this.spec);
    return this.state.current;
  }
}
