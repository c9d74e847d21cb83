import type { Clock } from '../clock/clock.js';
import type { TraceCurve } from '../domain/scaling/spec.js';
import { traceValue } from '../domain/scaling/trace.js';
import type { MetricSource } from './source.js';

/** A synthetic workload for demos and the planner: the curve's value at the clock's now. */
export function traceSource(clock: Clock, curve: TraceCurve): MetricSource {
  return {
    read() {
      const now = clock.now();
      return Promise.resolve({ value: Math.round(traceValue(curve, now)), at: now });
    },
    close: () => Promise.resolve(),
  };
}
