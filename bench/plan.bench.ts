import { plan } from '../src/domain/plan.js';
import { fleet, observed, poolSpec } from '../test/support/domain-fixtures.js';
import { median, timeRuns, type Bench } from './harness.js';

/** plan() on one pool of 10,000 machines, in its three shapes: converged, scale-out, scale-in. */
export const planBench: Bench = async () => {
  const machines = fleet(10_000);
  const obs = observed(machines);
  const shapes = { converged: 10_000, 'scale-out': 11_000, 'scale-in': 6_000 } as const;
  const results = [];
  for (const [shape, desired] of Object.entries(shapes)) {
    const spec = poolSpec({ desired, max: 20_000, maxLaunching: 5_000 });
    const runs = await timeRuns(() => plan(spec, obs, 0), 200, 20);
    results.push({ name: `plan() 10,000 machines, ${shape}`, value: median(runs), unit: 'ms', target: { op: '<' as const, value: 10 } });
  }
  return results;
};
