import type { MetricSample, Proposal, ProposalForecast, ScalingState } from './decision.js';
import { scheduleOpenedAt } from './schedule.js';
import { policyName, type PolicySpec } from './spec.js';

/** Bounds an active schedule imposes; undefined fields leave the pool's own. */
export interface ScheduleBounds {
  min?: number | undefined;
  max?: number | undefined;
}

/** What a policy proposes, as numbers; `why` is empty unless words were asked for. */
export interface Opinion {
  /** Undefined: no opinion this time (no data, no band matched, schedule off). */
  desired: number | undefined;
  bounds: ScheduleBounds | undefined;
  why: string;
  forecast?: ProposalForecast | undefined;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));

const says = (desired: number | undefined, why: string, bounds?: ScheduleBounds): Opinion => ({ desired, bounds, why });

/**
 * One policy's proposal from fresh samples only (the caller drops stale ones). Pure.
 * A policy without usable data has no opinion rather than a guess.
 */
export function propose(policy: PolicySpec, samples: ReadonlyMap<string, MetricSample>, state: ScalingState, now: number): Proposal & { bounds?: ScheduleBounds } {
  const o = opinion(policy, samples, state, now, true);
  const p = asProposal(policy, o);
  return o.bounds ? { ...p, bounds: o.bounds } : p;
}

/** An opinion as decisions store and show it (a policy with no opinion has no `desired` at all). */
export function asProposal(policy: PolicySpec, o: Opinion): Proposal {
  const base = { policy: policyName(policy), type: policy.type, ...(o.forecast ? { forecast: o.forecast } : {}) };
  return o.desired === undefined ? { ...base, why: o.why } : { ...base, desired: o.desired, why: o.why };
}

/**
 * The arithmetic of `propose`, with its explanation written only when `explain` is set: a
 * plan's replay asks a month of evaluations for their numbers and never reads the words.
 */
export function opinion(policy: PolicySpec, samples: ReadonlyMap<string, MetricSample>, state: ScalingState, now: number, explain: boolean): Opinion {
  const c = state.current;
  switch (policy.type) {
    case 'target-tracking': {
      const s = samples.get(policy.metric);
      if (!s) return says(undefined, explain ? `no fresh value of ${policy.metric}` : '');
      if (policy.aggregate === 'total') {
        const ratio = c > 0 ? s.value / (policy.target * c) : Number.POSITIVE_INFINITY;
        const reactive =
          c > 0 && Math.abs(ratio - 1) <= policy.tolerance
            ? says(c, explain ? `${policy.metric} ${fmt(s.value)} is ${fmt(s.value / c)} per machine, within ${policy.tolerance * 100}% of the target ${fmt(policy.target)}` : '')
            : says(Math.ceil(s.value / policy.target), explain ? `${policy.metric} ${fmt(s.value)} ÷ target ${fmt(policy.target)} per machine = ${Math.ceil(s.value / policy.target)}` : '');
        const f = policy.predictive && state.forecasts?.get(policy);
        return f ? ahead(policy, reactive, f, s.value, explain) : reactive;
      }
      if (state.warm === 0) return says(undefined, explain ? `no warm machine reports ${policy.metric}` : '');
      if (Math.abs(s.value / policy.target - 1) <= policy.tolerance) {
        return says(c, explain ? `average ${policy.metric} ${fmt(s.value)} is within ${policy.tolerance * 100}% of the target ${fmt(policy.target)}` : '');
      }
      const wanted = Math.ceil((state.warm * s.value) / policy.target);
      if (wanted < c && state.warming > 0) {
        return says(c, explain ? `average ${policy.metric} ${fmt(s.value)} would allow ${wanted}, but ${state.warming} machines are still warming up` : '');
      }
      return says(wanted, explain ? `${state.warm} warm machines × average ${policy.metric} ${fmt(s.value)} ÷ target ${fmt(policy.target)} = ${wanted}` : '');
    }
    case 'step': {
      const s = samples.get(policy.metric);
      if (!s) return says(undefined, explain ? `no fresh value of ${policy.metric}` : '');
      const step = policy.steps.find((x) => (x.lower === undefined || s.value >= x.lower) && (x.upper === undefined || s.value < x.upper));
      if (!step) return says(undefined, explain ? `${policy.metric} ${fmt(s.value)} is in no step's band` : '');
      const delta = policy.adjustment === 'absolute' ? step.change : Math.sign(step.change) * Math.max(1, Math.ceil((c * Math.abs(step.change)) / 100));
      const desired = Math.max(0, c + delta);
      if (!explain) return says(desired, '');
      const band = `[${step.lower ?? '-∞'}, ${step.upper ?? '+∞'})`;
      return says(desired, `${policy.metric} ${fmt(s.value)} is in ${band}: ${step.change >= 0 ? '+' : ''}${step.change}${policy.adjustment === 'percent' ? '%' : ''} → ${desired}`);
    }
    case 'schedule': {
      const opened = scheduleOpenedAt(policy.cron, policy.timezone, policy.duration, now);
      if (opened === undefined) return says(undefined, explain ? 'not in its period' : '');
      const bounds = { min: policy.min, max: policy.max };
      if (!explain) return says(policy.desired, '', bounds);
      const parts = [policy.min !== undefined && `min ${policy.min}`, policy.max !== undefined && `max ${policy.max}`, policy.desired !== undefined && `at least ${policy.desired}`].filter(Boolean);
      return says(policy.desired, `on since ${new Date(opened).toISOString()} for ${policy.duration} s: ${parts.join(', ') || 'no change'}`, bounds);
    }
  }
}

/**
 * Predictive scaling: the reactive policy applied to the forecast, and the larger of both
 * proposals, so the pool is ready for the load one boot time ahead and never smaller than the
 * present load needs. In `forecast-only` mode the reactive proposal stands and the forecast is
 * only recorded.
 */
function ahead(policy: Extract<PolicySpec, { type: 'target-tracking' }>, reactive: Opinion, f: { at: number; value: number; now: number }, actual: number, explain: boolean): Opinion {
  const acting = policy.predictive!.mode === 'on';
  // The reactive size rule on the forecast, without its hold band: the band keeps a noisy present
  // reading from churning the pool, but it also lets the pool run up to `tolerance` past its
  // target, which is the very shortfall a forecast is there to prevent (AWS predictive scaling
  // also sizes to forecast ÷ target).
  const wanted = Math.ceil(f.value / policy.target);
  const forecast: ProposalForecast = { metric: policy.metric, at: f.at, value: f.value, modelNow: Number.isFinite(f.now) ? f.now : undefined, actual, desired: wanted, acting };
  const leads = acting && wanted > (reactive.desired ?? 0);
  const desired = leads ? wanted : reactive.desired;
  if (!explain) return { desired, bounds: undefined, why: '', forecast };
  const saw = `forecast ${policy.metric} ${fmt(f.value)} at ${new Date(f.at).toISOString()} ÷ target ${fmt(policy.target)} = ${wanted}`;
  const why = leads ? `${saw}, ahead of the present load (${reactive.why})` : acting ? `${reactive.why}; ${saw}` : `${reactive.why}; forecast only: ${saw} would ${wanted > (reactive.desired ?? 0) ? `set ${wanted}` : 'change nothing'}`;
  return { desired, bounds: undefined, why, forecast };
}
