import { round, type ForecastMonth, type PlanResult, type ScenarioResult } from './result.js';
import type { Plan, PlanScenario } from './schema.js';
import { replayScenario } from './sim/replay.js';
import { growthFactor, loadCurve, type LoadCurve } from './workload.js';

export interface RunOptions {
  /** Told when a scenario (or forecast month) starts: progress for the CLI. */
  onProgress?: ((what: string) => void) | undefined;
}

/**
 * Runs every scenario of a plan, one after another, and each one's forecast months. Pure in
 * effect: the same plan (seed included) gives the same result, byte for byte.
 */
export async function runPlan(plan: Plan, opts: RunOptions = {}): Promise<PlanResult> {
  const load = loadCurve(plan);
  const from = Date.parse(plan.start);
  const scenarios: ScenarioResult[] = [];
  for (const s of plan.scenarios) {
    opts.onProgress?.(s.name);
    const result = await replayScenario(plan, s, load, { from, durationSeconds: plan.duration, warmupSeconds: plan.warmup, factor: 1 });
    if (plan.workload.forecast) result.forecast = await forecast(plan, s, load, from, opts);
    scenarios.push(result);
  }
  return { seed: plan.seed, start: plan.start, durationSeconds: plan.duration, ...(plan.warmup ? { warmupSeconds: plan.warmup } : {}), stepSeconds: plan.step, sloSeconds: plan.slo.queueDelay, unit: plan.workload.unit, scenarios };
}

/**
 * Replays a sample of the trace at each forecast month's load. A design "runs out" in the
 * first month where arriving work waits past the SLO: for a capped private cloud that is when
 * growth outruns its capacity; for an elastic design, when it hits its pool's max.
 */
async function forecast(plan: Plan, s: PlanScenario, load: LoadCurve, from: number, opts: RunOptions): Promise<NonNullable<ScenarioResult['forecast']>> {
  const f = plan.workload.forecast!;
  const months: ForecastMonth[] = [];
  for (let m = 0; m <= f.months; m++) {
    opts.onProgress?.(`${s.name} month ${m}`);
    const factor = growthFactor(plan, m);
    const r = await replayScenario(plan, s, load, { from, durationSeconds: Math.min(f.sample, plan.duration), warmupSeconds: plan.warmup, factor });
    const peakLoad = Math.max(...r.series.map((p) => p.load));
    months.push({
      month: m,
      factor: round(factor, 4),
      peakLoad: round(peakLoad),
      peakMachines: r.machines.peak,
      p99Delay: r.queueDelay.p99,
      timeOverSlo: r.timeOverSlo.seconds,
      costPerMonth: r.cost.perMonth,
      meetsSlo: r.timeOverSlo.seconds === 0,
    });
  }
  const out = months.find((m) => !m.meetsSlo);
  return { months, runsOutMonth: out ? out.month : null };
}
