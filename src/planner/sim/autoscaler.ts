import { afterDecision, decide } from '../../domain/scaling/decide.js';
import type { MetricReading, ScalingState } from '../../domain/scaling/decision.js';
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
 * The autoscaler as the replay drives it: real `decide()` and `afterDecision()` each
 * evaluation interval, with the sim cloud's running and booting machines as warm and warming.
 */
export class PlanAutoscaler {
  private state: ScalingState;
  scaleOuts = 0;
  scaleIns = 0;

  constructor(
    private readonly spec: ScalingSpec,
    min: number,
    max: number,
    desired: number,
  ) {
    this.state = { current: desired, min, max, warm: 0, warming: 0, history: [] };
  }

  get desired(): number {
    return this.state.current;
  }

  evaluate(r: PlannerReadings, warm: number, warming: number, now: number): number {
    const readings = new Map<string, MetricReading>([
      ['load', { value: r.load, at: now }],
      ['busy', { value: r.busy, at: now }],
      ['backlog', { value: r.backlog, at: now }],
      ['delay', { value: r.delay, at: now }],
    ]);
    const decision = decide('planned', this.spec, readings, { ...this.state, warm, warming }, now);
    if (decision.desired > this.state.current) this.scaleOuts++;
    else if (decision.desired < this.state.current) this.scaleIns++;
    this.state = afterDecision(this.state, decision, this.spec);
    return this.state.current;
  }
}
