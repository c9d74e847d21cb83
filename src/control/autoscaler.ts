import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { afterDecision, decide } from '../domain/scaling/decide.js';
import type { ScalingDecision, ScalingState } from '../domain/scaling/decision.js';
import type { ScalingSpec } from '../domain/scaling/spec.js';
import type { FleetEvent, PoolSpec } from '../domain/types.js';
import { openSource } from '../metrics/sources.js';
import type { AgentLoadReader, MetricSource, PushedReader } from '../metrics/source.js';
import type { ConditionsPort, DecisionsPort, EventsPort, MachinesPort, PoolsPort } from '../store/ports.js';
import { AUTOSCALER_POLL_MS, CHANGE_EVALUATION_GAP_MS, DECISION_HEARTBEAT_MS } from './constants.js';
import { loadMemory, warmth, type Memory } from './autoscaler-memory.js';
import { predict, type Histories } from './autoscaler-forecast.js';
import { announceNotice, closeAll, readAll } from './autoscaler-sources.js';
import { broughtForward, Nap } from './autoscaler-wake.js';

export interface AutoscalerDeps {
  store: PoolsPort & MachinesPort & EventsPort & ConditionsPort & DecisionsPort;
  clock: Clock;
  log: Logger;
  /** Makes the control loop act on a new desired size at once instead of at its next tick. */
  wake?: () => void;
  agents?: AgentLoadReader | undefined;
  /** Samples pushed through the API, for `push` metrics. */
  pushed?: PushedReader | undefined;
  onEvents?: (events: FleetEvent[]) => void;
  /** Turns a declared metric into a live source; the real ones unless a test says otherwise. */
  openSource?: typeof openSource;
  /**
   * With several controllers (PostgreSQL), whether this one holds the pool's lease: only the
   * owner decides, so a pool gets one decision per interval. Every pool when absent.
   */
  owns?: ((pool: string) => boolean) | undefined;
}

interface PoolRuntime {
  key: string;
  sources: Map<string, MetricSource>;
  memory?: Memory;
  histories?: Histories | undefined;
  nextAt: number;
  /** When its last evaluation began: a metric change waits CHANGE_EVALUATION_GAP_MS after it. */
  startedAt?: number;
  /** The hold reason last announced by an event, so a long hold is one event, not one per evaluation. */
  heldReason?: string | undefined;
  /** Whether the pool's max last cut what the policies asked (the PoolAtMax event is said once per stretch). */
  atMax?: boolean;
  lastStored?: { at: number; summary: string };
}

/**
 * Runs each autoscaling pool's policies every evaluation interval, and at once when a source
 * says its metric changed: read its metrics, decide (pure), store the decision with its
 * explanation, and, unless the pool is a dry run, write the new desired size and wake the
 * controller so the launch starts at once.
 */
export class Autoscaler {
  private readonly pools = new Map<string, PoolRuntime>();
  private readonly open: typeof openSource;
  private readonly nap: Nap;

  constructor(private readonly deps: AutoscalerDeps) {
    this.open = deps.openSource ?? openSource;
    this.nap = new Nap(deps.clock);
  }

  /**
   * A metric of the pool changed (a push, a Redis notification): evaluate it now rather than at
   * the end of its interval, debounced by CHANGE_EVALUATION_GAP_MS. Ownership, pauses,
   * stabilization and cooldowns apply as in any evaluation.
   */
  changed(pool: string): void {
    const rt = this.pools.get(pool);
    if (rt) rt.nextAt = broughtForward(rt.nextAt, rt.startedAt, this.deps.clock.now(), CHANGE_EVALUATION_GAP_MS);
    this.nap.wake();
  }

  /** Evaluates every pool that is due at `now`; returns the decisions made. Runs once at time T. */
  async runOnce(now = this.deps.clock.now()): Promise<ScalingDecision[]> {
    const owns = this.deps.owns ?? (() => true);
    const paused = await this.pausedPools(now);
    const pools = (await this.deps.store.listPools()).filter((p) => p.scaling && p.scaling.policies.length > 0 && owns(p.name) && !paused.has(p.name));
    for (const name of this.pools.keys()) if (!pools.some((p) => p.name === name)) await this.forget(name);
    const due = pools.filter((p) => (this.pools.get(p.name)?.nextAt ?? 0) <= now);
    const out = await Promise.all(
      due.map((p) =>
        this.evaluate(p, now).catch((e: unknown) => {
          this.deps.log.error({ err: e, pool: p.name }, 'autoscaling evaluation failed');
          return undefined;
        }),
      ),
    );
    return out.filter((d): d is ScalingDecision => d !== undefined);
  }

  /**
   * Pools a person paused (`flotte autoscaling pause`): left alone until resumed or the pause
   * ends. An ended pause is cleared here, with an event, since nothing else would notice its end.
   */
  private async pausedPools(now: number): Promise<Set<string>> {
    const out = new Set<string>();
    const owns = this.deps.owns ?? (() => true);
    for (const c of await this.deps.store.listConditions({ type: 'AutoscalingPaused' })) {
      if (c.until === undefined || c.until > now) {
        out.add(c.pool);
        continue;
      }
      if (!owns(c.pool) || !(await this.deps.store.clearCondition(c.pool, 'AutoscalingPaused'))) continue;
      const stored = await this.deps.store.appendEvents([{ at: now, pool: c.pool, reason: 'AutoscalingResumed', message: `autoscaling resumed: the pause ended at ${new Date(c.until).toISOString()}` }]);
      this.deps.onEvents?.(stored);
      // Decide at once rather than at the end of an interval that ran while paused.
      const rt = this.pools.get(c.pool);
      if (rt) rt.nextAt = 0;
    }
    return out;
  }

  /** Evaluates one pool now, due or not. */
  async evaluate(pool: PoolSpec, now = this.deps.clock.now()): Promise<ScalingDecision> {
    const spec = pool.scaling!;
    const rt = await this.runtime(pool, spec);
    rt.nextAt = now + spec.evaluationInterval * 1000;
    rt.startedAt = now;
    const { store } = this.deps;
    const [readings, machines] = await Promise.all([readAll(rt.sources, this.deps.clock), store.listMachines({ pool: pool.name })]);
    rt.memory ??= await loadMemory(store, pool.name, spec, now);
    const { histories, forecasts } = await predict(store, rt.histories, { pool: pool.name, spec, readings, machines, now });
    rt.histories = histories;
    const state: ScalingState = { current: pool.desired, min: pool.min, max: pool.max, ...warmth(machines, spec.warmup, now), ...rt.memory, forecasts };
    const decision = decide(pool.name, spec, readings, state, now);
    const { history, lastScaleOutAt, lastScaleInAt } = afterDecision(state, decision, spec);
    rt.memory = { history, lastScaleOutAt, lastScaleInAt };

    const events: Omit<FleetEvent, 'id'>[] = [];
    if (!decision.dryRun && decision.desired !== pool.desired) {
      // `from` is read inside the write: a `flotte scale` since `pool` was read is what this replaces.
      const change = await store.changeDesired(pool.name, decision.desired, (from) => ({ at: now, pool: pool.name, reason: 'DesiredChanged', message: `autoscaler: desired ${from} → ${decision.desired}: ${decision.summary}`, data: { from, to: decision.desired, by: 'autoscaler' } }));
      if (change?.event) this.deps.onEvents?.([change.event]);
    }
    if (decision.held && decision.held !== rt.heldReason) {
      events.push({ at: now, pool: pool.name, reason: 'ScalingHeld', message: `autoscaler holds ${pool.name} at ${decision.desired}: ${decision.held}`, data: { held: decision.held } });
    }
    rt.heldReason = decision.held;
    const cap = decision.adjustments.find((a) => a.stage === 'bounds' && a.from > a.to);
    if (cap && !rt.atMax) events.push({ at: now, pool: pool.name, reason: 'PoolAtMax', message: `${pool.name} is held at its max of ${cap.to} while its policies ask for ${cap.from}: work is waiting`, data: { wanted: cap.from, max: cap.to } });
    rt.atMax = cap !== undefined;
    // Steady "hold at N" decisions are stored once a minute: enough to explain, without a row every few seconds.
    const last = rt.lastStored;
    if (!last || last.summary !== decision.summary || decision.desired !== decision.current || now - last.at >= DECISION_HEARTBEAT_MS) {
      await store.recordDecision(decision);
      rt.lastStored = { at: now, summary: decision.summary };
    }
    if (events.length > 0) {
      const stored = await store.appendEvents(events);
      this.deps.onEvents?.(stored);
    }
    if (!decision.dryRun && decision.desired !== pool.desired) this.deps.wake?.();
    return decision;
  }

  /** Evaluates due pools until the signal aborts, looking again at least every second for new pools. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const now = this.deps.clock.now();
      await this.runOnce(now).catch((e: unknown) => this.deps.log.error({ err: e }, 'autoscaler round failed'));
      const next = Math.min(...[...this.pools.values()].map((p) => p.nextAt), now + AUTOSCALER_POLL_MS);
      await this.nap.sleep(Math.max(0, Math.min(AUTOSCALER_POLL_MS, next - this.deps.clock.now())), signal);
    }
    await this.close();
  }

  async close(): Promise<void> {
    for (const name of [...this.pools.keys()]) await this.forget(name);
  }

  private async runtime(pool: PoolSpec, spec: ScalingSpec): Promise<PoolRuntime> {
    const key = JSON.stringify([spec.metrics, spec.warmup]);
    let rt = this.pools.get(pool.name);
    if (rt && rt.key !== key) {
      await closeAll(rt.sources);
      rt.sources = new Map();
      rt.key = key;
    }
    if (!rt) this.pools.set(pool.name, (rt = { key, sources: new Map(), nextAt: 0 }));
    for (const [name, m] of Object.entries(spec.metrics)) {
      if (rt.sources.has(name)) continue;
      const { clock, agents, pushed } = this.deps;
      const notice = (message: string) => void announceNotice(this.deps, pool.name, name, message);
      rt.sources.set(name, this.open(m, { clock, pool: pool.name, warmupSeconds: spec.warmup, agents, metric: name, pushed, changed: () => this.changed(pool.name), notice }));
    }
    return rt;
  }

  private async forget(name: string): Promise<void> {
    const rt = this.pools.get(name);
    this.pools.delete(name);
    if (rt) await closeAll(rt.sources);
  }
}
