import type { TraceCurve } from '../domain/scaling/spec.js';
import { traceValue } from '../domain/scaling/trace.js';
import type { Plan } from './schema.js';

/** Work arriving per second at an instant (epoch ms), before any forecast growth. */
export type LoadCurve = (t: number) => number;

/**
 * The plan's workload as a function of time, through the autoscaler's own trace code so the
 * planner and a `trace` metric source see the same load. The curve's origin is the plan's
 * start: a CSV's second 0 and the growth of a daily curve both count from there.
 */
export function loadCurve(plan: Plan): LoadCurve {
  const trace = plan.workload.trace;
  const origin = Date.parse(plan.start);
  if ('constant' in trace) return () => trace.constant;
  if ('daily' in trace) {
    const curve: TraceCurve = { kind: 'daily', ...trace.daily, seed: plan.seed, origin };
    return (t) => traceValue(curve, t);
  }
  const loopSeconds = trace.loop;
  const curve: TraceCurve = { kind: 'csv', csv: trace.csv, loopSeconds, origin };
  // A looping trace repeats, so each instant of the loop is interpolated once.
  const memo = new Map<number, number>();
  const loopMs = (loopSeconds ?? 86_400) * 1000;
  return (t) => {
    const key = (((t - origin) % loopMs) + loopMs) % loopMs;
    let v = memo.get(key);
    if (v === undefined) memo.set(key, (v = traceValue(curve, t)));
    return v;
  };
}

/** Load multiplier of forecast month `m` (0 is the traced month): compounded monthly growth. */
export function growthFactor(plan: Plan, month: number): number {
  return (1 + (plan.workload.forecast?.monthlyGrowth ?? 0)) ** month;
}
