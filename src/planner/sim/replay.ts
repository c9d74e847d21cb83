import { VirtualClock } from '../../clock/virtual-clock.js';
import type { SimCensus } from '../../providers/sim/sim-census.js';
import { FluidQueue } from '../queue.js';
import { HOURS_PER_MONTH, type ScenarioResult } from '../result.js';
import type { Plan, PlanScenario } from '../schema.js';
import type { LoadCurve } from '../workload.js';
import { PlanAutoscaler, scalingSpec, type PlannerReadings } from './autoscaler.js';
import { buildFleet, PLAN_POOL, type Fleet } from './fleet.js';
import { scenarioResult } from './summary.js';
import { Tally } from './tally.js';

export interface ReplayWindow {
  /** Epoch ms the replay starts at. */
  from: number;
  durationSeconds: number;
  /** Replayed before `from` and left out of the figures (the plan's `warmup`). */
  warmupSeconds?: number | undefined;
  /** Multiplier on the load curve (forecast growth); 1 for the traced period. */
  factor: number;
}

/** Before the window, the initial pool is launched and booted unbilled, so the run starts warm. */
const PREROLL_EXTRA_S = 300;

/**
 * Replays one scenario through the real autoscaler policy code and the real controller on a
 * sim cloud with a virtual clock. Each step: the autoscaler evaluates (on its interval), the
 * controller ticks, work arrives per the trace and ready machines serve it at their throughput.
 *
 * A controller tick is elided only when it provably does nothing: the desired size is what
 * the last tick saw, that tick left nothing to do (no action, no open launch, pool at target),
 * and no machine in the cloud has changed status since (the sim says when the next change is).
 * The controller's own code path is untouched; it is just not called to confirm a no-op.
 */
export async function replayScenario(plan: Plan, s: PlanScenario, load: LoadCurve, w: ReplayWindow): Promise<ScenarioResult> {
  const stepMs = plan.step * 1000;
  const warmSteps = Math.round((w.warmupSeconds ?? 0) / plan.step);
  const steps = warmSteps + Math.round(w.durationSeconds / plan.step);
  const start = w.from - warmSteps * stepMs;
  const clock = new VirtualClock(start - (s.bootSeconds.max + PREROLL_EXTRA_S) * 1000);
  const fleet = await buildFleet(s, plan.seed, clock);
  try {
    await preroll(fleet, clock, start, stepMs);
    let before = structuredClone(fleet.sim.counters);
    const fixedPerSecond = s.market.type === 'reserved' ? s.market.monthlyCost / HOURS_PER_MONTH / 3600 : 0;
    const queue = new FluidQueue(plan.slo.queueDelay);
    let tally = new Tally(plan.step, w.durationSeconds, s.size.pricePerHour, fixedPerSecond);
    const auto = s.scaling ? new PlanAutoscaler(scalingSpec(s.scaling), fleet.pool.min, fleet.pool.max, fleet.pool.desired, s.bootSeconds.max) : undefined;
    const evalEvery = s.scaling ? Math.max(1, Math.round(s.scaling.evaluationInterval / plan.step)) : 1;
    let census = fleet.sim.census();
    let pages = listPages(census, fleet);
    let desired = fleet.pool.desired;
    let seen = desired;
    let busy = true;
    let run = 0;
    let elided = 0;
    let elidedPages = 0;
    // The first evaluation sees the pool as it stands at the start, not an idle zero that would scale it in.
    const mu0 = census.byStatus.running * s.size.throughput;
    const lambda0 = load(start) * w.factor;
    let readings: PlannerReadings = { load: lambda0, busy: mu0 > 0 ? Math.min(1, lambda0 / mu0) : 1, backlog: 0, delay: 0 };
    for (let i = 0; i < steps; i++) {
      const t = start + i * stepMs;
      if (i === warmSteps && warmSteps > 0) {
        // The window opens: what the warm-up did is history for the policies, not a figure.
        queue.resetFigures();
        tally = new Tally(plan.step, w.durationSeconds, s.size.pricePerHour, fixedPerSecond);
        before = structuredClone(fleet.sim.counters);
        run = elided = elidedPages = 0;
        auto?.resetCounts();
      }
      if (auto && i % evalEvery === 0) desired = auto.evaluate(readings, census.byStatus.running, census.byStatus.pending, t);
      if (busy || desired !== seen || t >= census.nextChangeAt) {
        await clock.advanceTo(t);
        if (desired !== seen) await fleet.store.setDesired(PLAN_POOL, (seen = desired));
        busy = await tickLeavesWork(fleet);
        census = fleet.sim.census();
        pages = listPages(census, fleet);
        run++;
      } else {
        elided++;
        elidedPages += pages;
      }
      const lambda = load(t) * w.factor;
      const ready = census.byStatus.running;
      const mu = ready * s.size.throughput;
      const t0 = (i - warmSteps) * plan.step;
      const served = queue.step(t0, plan.step, lambda, mu);
      const delay = queue.oldestAge(t0 + plan.step);
      readings = { load: lambda, busy: mu > 0 ? served / (mu * plan.step) : queue.backlog > 0 ? 1 : 0, backlog: queue.backlog, delay };
      tally.add(t0 + plan.step, plan.step, census.billed, ready, lambda, mu, delay);
    }
    const end = (steps - warmSteps) * plan.step;
    queue.finish(end, census.byStatus.running * s.size.throughput);
    tally.finish(end);
    const events = (await fleet.store.listEvents({ pool: PLAN_POOL })).filter((e) => e.at >= w.from);
    return scenarioResult({ plan, s, w, queue, tally, auto, events, before, after: fleet.sim.counters, ticks: { run, elided }, elidedPages });
  } finally {
    await fleet.close();
  }
}

/** List pages a tick would cost at this census: every machine but those gone from the cloud's records. */
function listPages(c: SimCensus, fleet: Fleet): number {
  let listed = 0;
  for (const v of Object.values(c.byStatus) as number[]) listed += v;
  return Math.max(1, Math.ceil(listed / fleet.sim.options.pageSize));
}

/** Ticks once; true when the tick left work for the next one (actions taken, launches open, pool off target). */
async function tickLeavesWork(fleet: Fleet): Promise<boolean> {
  const report = await fleet.tick();
  const p = report.plans.get(PLAN_POOL);
  if (!p || p.actions.length > 0 || p.current !== p.target) return true;
  return (await fleet.store.listIntents({ pool: PLAN_POOL, status: 'open' })).length > 0;
}

/** Launches the initial pool before the window opens and waits until it is up (or the window opens). */
async function preroll(fleet: Fleet, clock: VirtualClock, from: number, stepMs: number): Promise<void> {
  for (let t = clock.now(); t < from; t += stepMs) {
    await clock.advanceTo(t);
    const busy = await tickLeavesWork(fleet);
    const c = fleet.sim.census();
    if (!busy && c.byStatus.pending === 0 && c.byStatus.running >= fleet.pool.desired) break;
  }
  await clock.advanceTo(from);
}
