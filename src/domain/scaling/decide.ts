import type { Adjustment, MetricInput, MetricReading, MetricSample, Proposal, ScalingDecision, ScalingState } from './decision.js';
import { asProposal, opinion } from './policies.js';
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
  const trail: Trail = { inputs: [], proposals: [], adjustments: [] };
  const d = settle(spec, readings, state, now, trail);
  const summary = summarize(state.current, d.desired, d.recommendation, trail.adjustments, d.held, spec.dryRun);
  return { pool, at: now, current: state.current, recommendation: d.recommendation, desired: d.desired, inputs: trail.inputs, proposals: trail.proposals, adjustments: trail.adjustments, held: d.held, dryRun: spec.dryRun, summary };
}

/** The numbers of a decision: all that `afterDecision` applies. */
export type SizeDecision = Pick<ScalingDecision, 'at' | 'current' | 'recommendation' | 'desired' | 'held' | 'dryRun'>;

/**
 * `decide()` without its explanation: the same stages on the same numbers, with no words
 * written. A plan's replay evaluates every 10 s of a simulated month and reads only the size.
 */
export function decideSize(spec: ScalingSpec, readings: ReadonlyMap<string, MetricReading>, state: ScalingState, now: number): SizeDecision {
  return settle(spec, readings, state, now, undefined);
}

/** Where `decide()` collects what explains a decision; absent, nothing is written. */
interface Trail {
  inputs: MetricInput[];
  proposals: Proposal[];
  adjustments: Adjustment[];
}

function settle(spec: ScalingSpec, readings: ReadonlyMap<string, MetricReading>, state: ScalingState, now: number, trail: Trail | undefined): SizeDecision {
  const staleMs = staleAfterSeconds(spec) * 1000;
  const fresh = new Map<string, MetricSample>();
  let held: string | undefined;
  for (const metric of Object.keys(spec.metrics)) {
    const r = readings.get(metric);
    const problem = problemOf(r, now, staleMs);
    trail?.inputs.push(!r || 'error' in r ? { metric, problem } : problem === undefined ? { metric, value: r.value, at: r.at } : { metric, value: r.value, at: r.at, problem });
    if (problem === undefined) fresh.set(metric, r as MetricSample);
    else if (spec.policies.some((p) => p.type !== 'schedule' && p.metric === metric)) held = held === undefined ? `${metric} ${problem}` : `${held}; ${metric} ${problem}`;
  }

  let min = state.min;
  let max = state.max;
  let scheduled = false;
  let scheduledMin: number | undefined;
  let scheduledMax: number | undefined;
  let recommendation: number | undefined;
  for (const policy of spec.policies) {
    const o = opinion(policy, fresh, state, now, trail !== undefined);
    trail?.proposals.push(asProposal(policy, o));
    if (o.desired !== undefined) recommendation = recommendation === undefined ? o.desired : Math.max(recommendation, o.desired);
    if (!o.bounds) continue;
    // Overlapping schedules: the most generous bounds win, like the proposals.
    scheduled = true;
    if (o.bounds.min !== undefined) scheduledMin = scheduledMin === undefined ? o.bounds.min : Math.max(scheduledMin, o.bounds.min);
    if (o.bounds.max !== undefined) scheduledMax = scheduledMax === undefined ? o.bounds.max : Math.max(scheduledMax, o.bounds.max);
  }
  if (scheduledMin !== undefined) min = scheduledMin;
  if (scheduledMax !== undefined) max = scheduledMax;
  if (min > max) max = min;

  // Each stage may move `d`; when explaining, a stage that changed the number says why.
  const adjusted = trail?.adjustments;
  let d = recommendation ?? state.current;
  if (held && d < state.current) {
    adjusted?.push({ stage: 'stale-hold', from: d, to: state.current, why: `no scale-in without fresh data: ${held}` });
    d = state.current;
  }

  if (recommendation !== undefined) {
    if (d < state.current) {
      const highest = windowExtreme(Math.max, state.history, now, spec.stabilization.scaleIn, d);
      if (highest > d) {
        const to = Math.min(state.current, highest);
        adjusted?.push({ stage: 'stabilization', from: d, to, why: `highest recommendation in the last ${spec.stabilization.scaleIn} s was ${highest}` });
        d = to;
      }
    } else if (d > state.current && spec.stabilization.scaleOut > 0) {
      const lowest = windowExtreme(Math.min, state.history, now, spec.stabilization.scaleOut, d);
      if (lowest < d) {
        const to = Math.max(state.current, lowest);
        adjusted?.push({ stage: 'stabilization', from: d, to, why: `lowest recommendation in the last ${spec.stabilization.scaleOut} s was ${lowest}` });
        d = to;
      }
    }
  }

  const sinceOut = secondsSince(now, state.lastScaleOutAt);
  if (d > state.current && sinceOut < spec.cooldowns.scaleOut) {
    adjusted?.push({ stage: 'cooldown', from: d, to: state.current, why: `scale-out cooldown: last scale-out ${Math.round(sinceOut)} s ago, cooldown ${spec.cooldowns.scaleOut} s` });
    d = state.current;
  }
  const lastChange = Math.min(sinceOut, secondsSince(now, state.lastScaleInAt));
  if (d < state.current && lastChange < spec.cooldowns.scaleIn) {
    adjusted?.push({ stage: 'cooldown', from: d, to: state.current, why: `scale-in cooldown: last change ${Math.round(lastChange)} s ago, cooldown ${spec.cooldowns.scaleIn} s` });
    d = state.current;
  }

  const step = maxStep(spec, state.current);
  if (step !== undefined && Math.abs(d - state.current) > step) {
    const to = state.current + Math.sign(d - state.current) * step;
    adjusted?.push({ stage: 'max-step', from: d, to, why: `at most ${step} machines per decision` });
    d = to;
  }

  const bounded = Math.min(max, Math.max(min, d));
  if (adjusted && bounded !== d) {
    const source = scheduled && (min !== state.min || max !== state.max) ? 'schedule' : 'pool';
    adjusted.push({ stage: 'bounds', from: d, to: bounded, why: `${source} bounds [${min}, ${max}]` });
  }
  d = bounded;

  return { at: now, current: state.current, recommendation, desired: d, held, dryRun: spec.dryRun };
}

/** Why a reading cannot be used, or undefined for a fresh, finite sample. */
function problemOf(r: MetricReading | undefined, now: number, staleMs: number): string | undefined {
  if (!r) return 'not read';
  if ('error' in r) return `read failed: ${r.error}`;
  if (now - r.at > staleMs) return `stale: ${Math.round((now - r.at) / 1000)} s old (limit ${staleMs / 1000} s)`;
  if (!Number.isFinite(r.value)) return 'not a number';
  return undefined;
}

/** `pick` (Math.max or Math.min) of `from` and the recommendations of the last `secs` seconds. */
function windowExtreme(pick: (a: number, b: number) => number, history: ScalingState['history'], now: number, secs: number, from: number): number {
  let out = from;
  for (const h of history) if (now - h.at < secs * 1000) out = pick(out, h.value);
  return out;
}

const secondsSince = (now: number, t: number | undefined): number => (t === undefined ? Number.POSITIVE_INFINITY : (now - t) / 1000);

/** The largest change one decision may make (the smaller of both limits), or undefined when unlimited. */
function maxStep(spec: ScalingSpec, current: number): number | undefined {
  const { absolute, percent } = spec.maxStep;
  const relative = percent === undefined ? undefined : Math.max(1, Math.ceil((current * percent) / 100));
  if (absolute === undefined) return relative;
  return relative === undefined ? absolute : Math.min(absolute, relative);
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
export function afterDecision(state: ScalingState, decision: SizeDecision, spec: ScalingSpec): ScalingState {
  const keepMs = Math.max(spec.stabilization.scaleIn, spec.stabilization.scaleOut) * 1000;
  const history = state.history.filter((h) => decision.at - h.at < keepMs);
  // A held decision's recommendation is built on partial data: it must not pull a window down.
  if (decision.recommendation !== undefined && !decision.held) history.push({ at: decision.at, value: decision.recommendation });
  const acted = !decision.dryRun;
  // The same object as `{ ...state, … }`, but a spread of one with epoch-ms fields takes V8's slow path: microseconds, every evaluation.
  return Object.assign({}, state, {
    current: acted ? decision.desired : state.current,
    history,
    lastScaleOutAt: acted && decision.desired > decision.current ? decision.at : state.lastScaleOutAt,
    lastScaleInAt: acted && decision.desired < decision.current ? decision.at : state.lastScaleInAt,
  });
}
