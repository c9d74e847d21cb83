import type { Adjustment, MetricInput, MetricReading, MetricSample, Proposal, ScalingDecision, ScalingState } from './decision.js';
import { propose, type ScheduleBounds } from './policies.js';
import { staleAfterSeconds, type ScalingSpec } from './spec.js';

/**
 * One autoscaling decision for one pool. Pure: the same spec, readings, state and time give
 * the same decision. In order:
 * 1. each policy proposes from fresh samples (missing or stale ones give no opinion);
 * 2. the largest proposal wins: scale out to the largest, scale in only as far as every policy allows;
 * 3. missing or stale data holds the pool (never a scale-in), and says why;
 * 4. stabilization: scale in only to the highest recommendation in the window, scale out
 *    only to the lowest of its (default empty) window;
 * 5. cooldowns, then the maximum step, then min/max (a schedule's bounds when one is on).
 */
export function decide(pool: string, spec: ScalingSpec, readings: ReadonlyMap<string, MetricReading>, state: ScalingState, now: number): ScalingDecision {
  const staleMs = staleAfterSeconds(spec) * 1000;
  const inputs: MetricInput[] = [];
  const fresh = new Map<string, MetricSample>();
  for (const metric of Object.keys(spec.metrics)) {
    const r = readings.get(metric);
    if (!r) inputs.push({ metric, problem: 'not read' });
    else if ('error' in r) inputs.push({ metric, problem: `read failed: ${r.error}` });
    else if (now - r.at > staleMs) inputs.push({ metric, value: r.value, at: r.at, problem: `stale: ${Math.round((now - r.at) / 1000)} s old (limit ${staleMs / 1000} s)` });
    else if (!Number.isFinite(r.value)) inputs.push({ metric, value: r.value, at: r.at, problem: 'not a number' });
    else {
      inputs.push({ metric, value: r.value, at: r.at });
      fresh.set(metric, r);
    }
  }

  const proposals: Proposal[] = [];
  let min = state.min;
  let max = state.max;
  const scheduled: ScheduleBounds[] = [];
  for (const policy of spec.policies) {
    const { bounds, ...p } = propose(policy, fresh, state, now);
    proposals.push(p);
    if (bounds) scheduled.push(bounds);
  }
  // Overlapping schedules: the most generous bounds win, like the proposals.
  const mins = scheduled.flatMap((b) => (b.min === undefined ? [] : [b.min]));
  const maxes = scheduled.flatMap((b) => (b.max === undefined ? [] : [b.max]));
  if (mins.length) min = Math.max(...mins);
  if (maxes.length) max = Math.max(...maxes);
  if (min > max) max = min;

  const opinions = proposals.flatMap((p) => (p.desired === undefined ? [] : [p.desired]));
  const recommendation = opinions.length ? Math.max(...opinions) : undefined;
  const adjustments: Adjustment[] = [];
  let d = recommendation ?? state.current;
  const change = (stage: Adjustment['stage'], to: number, why: string): void => {
    if (to !== d) adjustments.push({ stage, from: d, to, why });
    d = to;
  };

  const used = new Set(spec.policies.flatMap((p) => (p.type === 'schedule' ? [] : [p.metric])));
  const problems = inputs.filter((i) => i.problem && used.has(i.metric));
  const held = problems.length ? problems.map((i) => `${i.metric} ${i.problem}`).join('; ') : undefined;
  if (held && d < state.current) change('stale-hold', state.current, `no scale-in without fresh data: ${held}`);

  if (recommendation !== undefined) {
    const inWindow = (secs: number) => state.history.filter((h) => now - h.at < secs * 1000).map((h) => h.value);
    if (d < state.current) {
      const highest = Math.max(d, ...inWindow(spec.stabilization.scaleIn));
      if (highest > d) change('stabilization', Math.min(state.current, highest), `highest recommendation in the last ${spec.stabilization.scaleIn} s was ${highest}`);
    } else if (d > state.current && spec.stabilization.scaleOut > 0) {
      const lowest = Math.min(d, ...inWindow(spec.stabilization.scaleOut));
      if (lowest < d) change('stabilization', Math.max(state.current, lowest), `lowest recommendation in the last ${spec.stabilization.scaleOut} s was ${lowest}`);
    }
  }

  const since = (t: number | undefined) => (t === undefined ? Number.POSITIVE_INFINITY : (now - t) / 1000);
  if (d > state.current && since(state.lastScaleOutAt) < spec.cooldowns.scaleOut) {
    change('cooldown', state.current, `scale-out cooldown: last scale-out ${Math.round(since(state.lastScaleOutAt))} s ago, cooldown ${spec.cooldowns.scaleOut} s`);
  }
  const lastChange = Math.min(since(state.lastScaleOutAt), since(state.lastScaleInAt));
  if (d < state.current && lastChange < spec.cooldowns.scaleIn) {
    change('cooldown', state.current, `scale-in cooldown: last change ${Math.round(lastChange)} s ago, cooldown ${spec.cooldowns.scaleIn} s`);
  }

  const limits: number[] = [];
  if (spec.maxStep.absolute !== undefined) limits.push(spec.maxStep.absolute);
  if (spec.maxStep.percent !== undefined) limits.push(Math.max(1, Math.ceil((state.current * spec.maxStep.percent) / 100)));
  if (limits.length) {
    const step = Math.min(...limits);
    if (Math.abs(d - state.current) > step) change('max-step', state.current + Math.sign(d - state.current) * step, `at most ${step} machines per decision`);
  }

  const bounded = Math.min(max, Math.max(min, d));
  const source = scheduled.length && (min !== state.min || max !== state.max) ? 'schedule' : 'pool';
  change('bounds', bounded, `${source} bounds [${min}, ${max}]`);

  return { pool, at: now, current: state.current, recommendation, desired: d, inputs, proposals, adjustments, held, dryRun: spec.dryRun, summary: summarize(state.current, d, recommendation, adjustments, held, spec.dryRun) };
}

function summarize(current: number, desired: number, recommendation: number | undefined, adjustments: Adjustment[], held: string | undefined, dryRun: boolean): string {
  const verb = desired > current ? `scale out ${current} → ${desired}` : desired < current ? `scale in ${current} → ${desired}` : `hold at ${current}`;
  const why: string[] = [];
  if (recommendation === undefined) why.push('no policy proposed a size');
  else if (recommendation !== desired) why.push(`policies proposed ${recommendation}`);
  for (const a of adjustments) why.push(`${a.stage}: ${a.why}`);
  if (held && !adjustments.some((a) => a.stage === 'stale-hold')) why.push(`data problem: ${held}`);
  return `${dryRun ? 'dry run: would ' : ''}${verb}${why.length ? ` (${why.join('; ')})` : ''}`;
}

/** The state after a decision was applied (a dry run applies nothing, so history still grows). */
export function afterDecision(state: ScalingState, decision: ScalingDecision, spec: ScalingSpec): ScalingState {
  const keepMs = Math.max(spec.stabilization.scaleIn, spec.stabilization.scaleOut) * 1000;
  const history = state.history.filter((h) => decision.at - h.at < keepMs);
  // A held decision's recommendation is built on partial data: it must not pull a window down.
  if (decision.recommendation !== undefined && !decision.held) history.push({ at: decision.at, value: decision.recommendation });
  const acted = !decision.dryRun;
  return {
    ...state,
    current: acted ? decision.desired : state.current,
    history,
    lastScaleOutAt: acted && decision.desired > decision.current ? decision.at : state.lastScaleOutAt,
    lastScaleInAt: acted && decision.desired < decision.current ? decision.at : state.lastScaleInAt,
  };
}
