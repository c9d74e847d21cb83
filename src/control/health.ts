import { brakeHolds, brakeTrips, DEFAULT_HEALTH, drainOver, judge } from '../domain/health.js';
import { offeringKey, type ObservedPool } from '../domain/plan.js';
import type { Machine, PoolSpec } from '../domain/types.js';
import type { Provider } from '../providers/provider.js';
import type { ConditionsPort } from '../store/ports.js';
import { poolEvents } from './pool/events.js';
import { ProbeResults } from './probe.js';
import type { UnavailableOfferings } from './unavailable-offerings.js';

import type { HealthSnapshot, HealthTick, PoolHealth } from './health-view.js';

// Importers of health.ts keep their imports: the view's types and snapshot read are re-exported.
export { readSnapshot, type HealthSnapshot, type HealthTick, type PoolHealth } from './health-view.js';

/**
 * Health bookkeeping across ticks: who turned unhealthy when (for the brake), and the folding of
 * verdicts into machine states. Offerings whose replacements keep failing are struck in the one
 * capacity memory (`UnavailableOfferings`), which backs them off. Decisions are the pure
 * functions of domain/health.ts; this only feeds and records them.
 */
export class HealthControl {
  private readonly turned = new Map<string, Map<string, number>>();
  /**
   * Pool → machines the running tick noted as failed for the first time. A tick whose writes fail
   * recorded none of them (the machines are reloaded from the store), so it takes them back: the
   * brake counts only failures flotte recorded, never a judgement the store refused.
   */
  private readonly fresh = new Map<string, string[]>();
  private readonly wasPaused = new Set<string>();
  /** Pool → when this controller began to watch it: its start, or its taking of the pool's lease. */
  private readonly observed = new Map<string, number>();
  /** Pool → when this controller last looked at it. */
  private readonly looked = new Map<string, number>();

  private readonly probes = new ProbeResults();

  constructor(
    private readonly store: ConditionsPort,
    private readonly offerings: UnavailableOfferings,
  ) {}

  /** Starts the pool's observation afresh: a pool taken over (new lease) is watched from now on. */
  forget(pool: string): void {
    this.observed.delete(pool);
    this.looked.delete(pool);
    this.turned.delete(pool);
    this.fresh.delete(pool);
  }

  /** The pool's tick was written: its failures stand. */
  commit(pool: string): void {
    this.fresh.delete(pool);
  }

  /** The pool's tick failed (before or during its writes): the failures it noted may not be recorded, and the pool is reloaded from the store. */
  takeBack(pool: string): void {
    const ids = this.fresh.get(pool);
    this.fresh.delete(pool);
    const turned = this.turned.get(pool);
    for (const id of ids ?? []) turned?.delete(id);
  }

  forPool(spec: PoolSpec, provider: Provider, snap: HealthSnapshot, now: number): PoolHealth {
    const policy = spec.health ?? DEFAULT_HEALTH;
    const pause = snap.paused.get(spec.name);
    const paused = pause !== undefined;
    let observedFrom = this.observed.get(spec.name);
    const looked = this.looked.get(spec.name);
    this.looked.set(spec.name, now);
    // A controller that did not look for longer than the heartbeat timeout (frozen, suspended, starved) was as deaf as one
    // restarting, and its API may have been frozen with it: the silence of that gap is nobody's to judge, so it watches from now.
    if (looked !== undefined && now - looked > policy.heartbeatTimeoutMs) observedFrom = undefined;
    if (observedFrom === undefined) this.observed.set(spec.name, (observedFrom = now));
    // A resume clears the brake's memory, or the same failures would trip it again at once.
    if (!paused && this.wasPaused.delete(spec.name)) this.turned.delete(spec.name);
    if (paused) this.wasPaused.add(spec.name);
    return {
      policy,
      // A role's readiness check is run by the agent, so its pool's machines run one whatever the cloud.
      agent: policy.agent ?? (spec.readiness !== undefined || (provider.capabilities.agent ?? false)),
      paused,
      pause,
      observedFrom,
      protections: snap.protections,
      beat: (id) => snap.beats.get(id),
      joined: (m, now) => {
        const b = snap.beats.get(m.id);
        return b !== undefined && b.lastAt >= m.launchedAt && now - b.lastAt <= policy.heartbeatTimeoutMs;
      },
    };
  }

  /** Notes a machine that left service unasked: an unhealthy verdict or an unexpected death. */
  noteFailure(spec: PoolSpec, m: Machine, now: number): void {
    let turned = this.turned.get(spec.name);
    if (!turned) this.turned.set(spec.name, (turned = new Map()));
    if (!turned.has(m.id)) {
      turned.set(m.id, now);
      const fresh = this.fresh.get(spec.name);
      if (fresh) fresh.push(m.id);
      else this.fresh.set(spec.name, [m.id]);
    }
    // A replacement that fails before it was ever ready counts against its offering.
    if (m.replaces && m.readyAt === undefined) this.offerings.strike(spec.name, offeringKey(m.zone, m.size), now);
  }

  /** Judges every machine; returns the unhealthy ones' new records, with the events written. */
  judgeAll(t: HealthTick, h: PoolHealth): Machine[] {
    const { spec, journal, now } = t;
    const out: Machine[] = [];
    for (const m of t.machines.values()) {
      const verdict = judge(m, { agent: h.agent, beat: h.beat(m.id), probeFailures: this.probes.failures(m.id), observedFrom: h.observedFrom }, h.policy, now);
      if (!verdict) continue;
      const sick: Machine = { ...m, state: 'unhealthy', since: now };
      out.push(sick);
      journal.add(poolEvents.unhealthy(m, verdict));
      this.noteFailure(spec, m, now);
    }
    return out;
  }

  /**
   * Trips the brake when too much of the pool failed within the window, and releases it once the
   * machines it counted have recovered; returns whether healing is paused.
   */
  async brake(t: HealthTick, h: PoolHealth, target: number): Promise<boolean> {
    const { spec, machines, journal, now } = t;
    if (h.pause) {
      const counted = h.pause.machines;
      // A pause without its machines (stored before they were kept) waits for a person.
      if (!counted) return true;
      const recovered = (id: string) => machines.get(id)?.state === 'ready';
      if (brakeHolds(counted, recovered, target, h.policy)) return true;
      await this.store.setHealingPaused(spec.name, null);
      const back = counted.filter(recovered);
      const turned = this.turned.get(spec.name);
      for (const id of back) turned?.delete(id);
      this.wasPaused.delete(spec.name);
      journal.add(poolEvents.healingResumed(back, counted));
      return false;
    }
    const turned = this.turned.get(spec.name) ?? new Map<string, number>();
    const times = [...turned.values()];
    if (!brakeTrips(times, target, h.policy, now)) return false;
    const counted = [...turned].filter(([, t]) => now - t <= h.policy.brake.windowMs).map(([id]) => id);
    const recent = counted.length;
    const reason = `${recent} of ${target} machines failed within ${h.policy.brake.windowMs / 1000} s (more than ${Math.round(h.policy.brake.share * 100)}%): automatic replacement paused; run \`flotte pools resume-healing ${spec.name}\` once the cause is understood`;
    await this.store.setHealingPaused(spec.name, { at: now, reason, machines: counted });
    this.wasPaused.add(spec.name);
    journal.add(poolEvents.healingPaused(reason, { failed: recent, size: target, share: h.policy.brake.share }));
    return true;
  }

  /**
   * The health half of a pool's tick, between folding the provider's view and planning:
   * protections, verdicts, probes, the brake, drains and failing offerings. Returns the plan's
   * extra inputs and the offerings just backed off from (already marked unavailable).
   */
  async step(t: HealthTick, h: PoolHealth, target: number): Promise<{ inputs: Partial<ObservedPool>; backoff: Set<string> }> {
    const { spec, machines, seen, journal, now, record } = t;
    // Most pools protect nothing: then there is no machine to look up.
    for (const m of h.protections.size > 0 ? machines.values() : []) {
      const want = h.protections.get(m.id);
      if (want === undefined || want === m.protected) continue;
      record({ ...m, protected: want });
      journal.add(poolEvents.protection(m.id, want));
    }
    if (h.policy.probe) this.probes.kick(seen.filter((pm) => machines.get(pm.id)?.state === 'ready'), h.policy.probe);
    for (const sick of this.judgeAll(t, h)) record(sick);
    const healingPaused = await this.brake(t, h, target);
    // Only machines doing work: the plan and the drain take a machine absent here as idle, and a
    // pool without agents (most) then builds nothing per machine each tick.
    const busy = new Map<string, number>();
    for (const id of machines.keys()) {
      const n = h.beat(id)?.busy;
      if (n) busy.set(id, n);
    }
    return {
      inputs: {
        drainFirst: h.agent,
        busy,
        drainOver: this.drainsOver(machines.values(), h, now),
        healingPaused,
        maxReplacing: h.policy.maxReplacing,
        replacement: h.policy.replacement,
      },
      backoff: this.offerings.backOff(spec.name, spec.provider, h.policy.brake.windowMs, now),
    };
  }

  /** Draining machines whose drain is over. */
  drainsOver(machines: Iterable<Machine>, h: PoolHealth, now: number): Map<string, 'Drained' | 'DrainTimeout'> {
    const out = new Map<string, 'Drained' | 'DrainTimeout'>();
    for (const m of machines) {
      const over = drainOver(m, h.beat(m.id), h.agent, h.policy, now);
      if (over) out.set(m.id, over);
    }
    return out;
  }
}
