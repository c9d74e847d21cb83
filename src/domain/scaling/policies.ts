import type { MetricSample, Proposal, ScalingState } from './decision.js';
import { scheduleOpenedAt } from './schedule.js';
import { policyName, type PolicySpec } from './spec.js';

/** Bounds an active schedule imposes; undefined fields leave the pool's own. */
export interface ScheduleBounds {
  min?: number | undefined;
  max?: number | undefined;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/**
 * One policy's proposal from fresh samples only (the caller drops stale ones). Pure.
 * A policy without usable data has no opinion rather than a guess.
 */
export function propose(policy: PolicySpec, samples: ReadonlyMap<string, MetricSample>, state: ScalingState, now: number): Proposal & { bounds?: ScheduleBounds } {
  const base = { policy: policyName(policy), type: policy.type };
  const c = state.current;
  switch (policy.type) {
    case 'target-tracking': {
      const s = samples.get(policy.metric);
      if (!s) return { ...base, why: `no fresh value of ${policy.metric}` };
      if (policy.aggregate === 'total') {
        const ratio = c > 0 ? s.value / (policy.target * c) : Number.POSITIVE_INFINITY;
        if (c > 0 && Math.abs(ratio - 1) <= policy.tolerance) {
          return { ...base, desired: c, why: `${policy.metric} ${fmt(s.value)} is ${fmt(s.value / c)} per machine, within ${policy.tolerance * 100}% of the target ${fmt(policy.target)}` };
        }
        const desired = Math.ceil(s.value / policy.target);
        return { ...base, desired, why: `${policy.metric} ${fmt(s.value)} ÷ target ${fmt(policy.target)} per machine = ${desired}` };
      }
      if (state.warm === 0) return { ...base, why: `no warm machine reports ${policy.metric}` };
      if (Math.abs(s.value / policy.target - 1) <= policy.tolerance) {
        return { ...base, desired: c, why: `average ${policy.metric} ${fmt(s.value)} is within ${policy.tolerance * 100}% of the target ${fmt(policy.target)}` };
      }
      const wanted = Math.ceil((state.warm * s.value) / policy.target);
      if (wanted < c && state.warming > 0) {
        return { ...base, desired: c, why: `average ${policy.metric} ${fmt(s.value)} would allow ${wanted}, but ${state.warming} machines are still warming up` };
      }
      return { ...base, desired: wanted, why: `${state.warm} warm machines × average ${policy.metric} ${fmt(s.value)} ÷ target ${fmt(policy.target)} = ${wanted}` };
    }
    case 'step': {
      const s = samples.get(policy.metric);
      if (!s) return { ...base, why: `no fresh value of ${policy.metric}` };
      const step = policy.steps.find((x) => (x.lower === undefined || s.value >= x.lower) && (x.upper === undefined || s.value < x.upper));
      if (!step) return { ...base, why: `${policy.metric} ${fmt(s.value)} is in no step's band` };
      const delta = policy.adjustment === 'absolute' ? step.change : Math.sign(step.change) * Math.max(1, Math.ceil((c * Math.abs(step.change)) / 100));
      const desired = Math.max(0, c + delta);
      const band = `[${step.lower ?? '-∞'}, ${step.upper ?? '+∞'})`;
      return { ...base, desired, why: `${policy.metric} ${fmt(s.value)} is in ${band}: ${step.change >= 0 ? '+' : ''}${step.change}${policy.adjustment === 'percent' ? '%' : ''} → ${desired}` };
    }
    case 'schedule': {
      const opened = scheduleOpenedAt(policy.cron, policy.timezone, policy.duration, now);
      if (opened === undefined) return { ...base, why: 'not in its period' };
      const bounds = { min: policy.min, max: policy.max };
      const parts = [policy.min !== undefined && `min ${policy.min}`, policy.max !== undefined && `max ${policy.max}`, policy.desired !== undefined && `at least ${policy.desired}`].filter(Boolean);
      const why = `on since ${new Date(opened).toISOString()} for ${policy.duration} s: ${parts.join(', ') || 'no change'}`;
      return policy.desired !== undefined ? { ...base, desired: policy.desired, why, bounds } : { ...base, why, bounds };
    }
  }
}
