import { join } from 'node:path';
import { loadNow, report, type Bench, type BenchResult } from './harness.js';
import { autoscaleBench } from './autoscale.bench.js';
import { dashboardBench } from './dashboard.bench.js';
import { planBench } from './plan.bench.js';
import { tickBench } from './tick.bench.js';

/** `npm run bench [-- name…]`: runs the benchmarks (all but the named-only ones, or those whose key is named), prints a table, writes bench/results.json and appends to bench/history.jsonl. */
const benches: Record<string, Bench> = { plan: planBench, tick: tickBench, autoscale: autoscaleBench, dashboard: dashboardBench, operations: (await import('./operations.bench.js')).operationsBench, ha: (await import('./ha.bench.js')).haBench, api: (await import('./api.bench.js')).apiBench, planner: (await import('./planner.bench.js')).plannerBench, envs: (await import('./envs.bench.js')).envsBench, 'envs-openstack': (await import('./envs-openstack.bench.js')).envsOpenStackBench, metrics: (await import('./metrics.bench.js')).metricsBench, 'ha-100k': (await import('./ha-100k.bench.js')).ha100kBench, 'metrics-push': (await import('./metrics-push.bench.js')).metricsPushBench, notify: (await import('./notify.bench.js')).notifyBench };

/** Run only when named: minutes of every core, and processes of their own. */
const namedOnly = new Set(['ha-100k']);

const only = process.argv.slice(2);
const results: BenchResult[] = [];
for (const [key, bench] of Object.entries(benches)) {
  if (only.length ? !only.includes(key) : namedOnly.has(key)) continue;
  const start = loadNow();
  const measured = await bench();
  const load = { start, end: loadNow() };
  results.push(...measured.map((r) => ({ ...r, load })));
}
report(results, join(import.meta.dirname, 'results.json'), join(import.meta.dirname, 'history.jsonl'));
