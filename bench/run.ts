import { join } from 'node:path';
import { report, type Bench, type BenchResult } from './harness.js';
import { autoscaleBench } from './autoscale.bench.js';
import { dashboardBench } from './dashboard.bench.js';
import { planBench } from './plan.bench.js';
import { tickBench } from './tick.bench.js';

/** `npm run bench [-- name…]`: runs the benchmarks (all, or those whose key is named), prints a table, writes bench/results.json. */
const benches: Record<string, Bench> = { plan: planBench, tick: tickBench, autoscale: autoscaleBench, dashboard: dashboardBench, operations: (await import('./operations.bench.js')).operationsBench, ha: (await import('./ha.bench.js')).haBench, api: (await import('./api.bench.js')).apiBench, planner: (await import('./planner.bench.js')).plannerBench, envs: (await import('./envs.bench.js')).envsBench, 'envs-openstack': (await import('./envs-openstack.bench.js')).envsOpenStackBench, metrics: (await import('./metrics.bench.js')).metricsBench };

const only = process.argv.slice(2);
const results: BenchResult[] = [];
for (const [key, bench] of Object.entries(benches)) {
  if (only.length && !only.includes(key)) continue;
  results.push(...(await bench()));
}
report(results, join(import.meta.dirname, 'results.json'));
