import { DEFAULT_HEALTH } from '../domain/health.js';
import type { FleetEvent, PoolSpec } from '../domain/types.js';
import type { SimCloud } from '../providers/sim/index.js';
import type { ConditionsPort, EventsPort, IntentsPort, MachinesPort, OperationsPort, PoolsPort } from '../store/ports.js';
import type { ChaosCloud } from './chaos-cloud.js';
import type { InvariantName, Violation } from './types.js';

/** Longest an operation may stay running or paused before it counts as stuck. */
export const OPERATION_BOUND_MS = 3 * 3_600_000;

/** What the engine tells the checks about the tick just run. */
export interface TickFacts {
  atMs: number;
  now: number;
  /** No crash, no store write failure and no tick error: the controller saw a full list and could record it. */
  clean: boolean;
  /** When the last fault ended (or the last operator action): convergence is measured from here. */
  quietSinceMs: number;
  /** No fault is in force now. */
  quiet: boolean;
}

/**
 * The campaign's invariants, evaluated from the cloud's own records (the sim, the chaos
 * layer's ledger) against flotte's store. Each violation is reported once, naming the
 * machine, pool or intent.
 */
export class Invariants {
  readonly violations: Violation[] = [];
  checks = 0;
  private readonly reported = new Set<string>();
  /** Failures flotte reported that the cloud confirms, per pool (times): what the brake may count. */
  private readonly failures = new Map<string, number[]>();
  /** Machines whose agents the campaign silenced, and when last. */
  private readonly silenced = new Map<string, number>();
  /** Restart operations each machine was part of. */
  private readonly restartsOf = new Map<string, number>();
  private readonly opCreated = new Map<string, { at: number; pool: string }>();
  private lastEvent = 0;
  /** The stored count of each intent in the cloud's ledger, and the sum over every intent stored. */
  private intentCounts = new Map<string, number>();
  private everIntended = 0;
  /** When the ledgers next let go of machines the sim has forgotten. */
  private sweepAt = 0;
  /**
   * How far a controller's clock may be off the campaign's (HA clock skew): times flotte stamps
   * (an event's `at`) are compared with the campaign's own records within this much.
   */
  clockToleranceMs = 0;
  /** Each pool's last target and since when (the autoscaler and people move it): convergence counts from the later of this and the last fault. */
  private readonly targets = new Map<string, { target: number; sinceMs: number }>();

  constructor(
    private readonly store: PoolsPort & MachinesPort & IntentsPort & EventsPort & ConditionsPort & OperationsPort,
    private readonly sim: SimCloud,
    private readonly cloud: ChaosCloud,
    private readonly start: number,
    private readonly tickMs: number,
  ) {}

  violate(invariant: InvariantName, key: string, atMs: number, message: string): void {
    if (this.reported.has(`${invariant}/${key}`)) return;
    this.reported.add(`${invariant}/${key}`);
    this.violations.push({ invariant, atMs, message });
  }

  /** An agent the campaign silenced past the heartbeat timeout: flotte may rightly count its machine as failed. */
  noteSilence(machine: string, at: number): void {
    this.silenced.set(machine, at);
  }

  noteOperation(id: string, pool: string, machines: readonly string[], at: number): void {
    this.opCreated.set(id, { at, pool });
    for (const m of machines) this.restartsOf.set(m, (this.restartsOf.get(m) ?? 0) + 1);
  }

  /**
   * No unasked harm, checked as the call reaches the cloud: a terminate must find the machine
   * already stored as terminating (or gone); a reboot or stop must find an active operation
   * holding it (or, for a stop, its pool suspended).
   */
  async harm(action: 'terminate' | 'stop' | 'reboot', ids: readonly string[], now: number): Promise<void> {
    this.checks++;
    const atMs = now - this.start;
    for (const id of ids) {
      const m = await this.store.getMachine(id);
      if (action === 'terminate') {
        if (m && (m.state === 'terminating' || m.state === 'gone')) continue;
        this.violate('no-unasked-harm', `${action}/${id}`, atMs, `terminate of ${id} (pool ${m?.pool ?? 'unknown'}) reached the cloud while the store had it ${m ? `'${m.state}'` : 'unrecorded'}: no terminating record was stored before the call`);
        continue;
      }
      const held = m && (await this.heldByOperation(m.pool, id, action));
      const suspended = action === 'stop' && m && (await this.store.getPool(m.pool))?.suspended;
      if (!held && !suspended) this.violate('no-unasked-harm', `${action}/${id}/${now}`, atMs, `${action} of ${id} (pool ${m?.pool ?? 'unknown'}) reached the cloud without an active operation holding it`);
    }
  }

  private async heldByOperation(pool: string, id: string, action: 'stop' | 'reboot'): Promise<boolean> {
    const kind = action === 'reboot' ? 'restart' : 'stop';
    for (const op of await this.store.listOperations({ pool, active: true })) {
      if (op.kind !== kind) continue;
      if ((await this.store.listOperationItems(op.id)).some((i) => i.machine === id)) return true;
    }
    return false;
  }

  /** Every per-tick invariant; returns how many checks ran. */
  async afterTick(t: TickFacts): Promise<void> {
    const pools = await this.store.listPools();
    const stored = await this.store.listMachines();
    await this.noLeak(t, new Set(stored.map((m) => m.id)));
    await this.noDouble(t);
    await this.brake(t);
    await this.operations(t);
    if (t.quiet) await this.convergence(t, pools, stored);
    if (t.now >= this.sweepAt) this.sweep(t.now);
  }

  /**
   * Once a virtual hour: what the checks remember of machines the sim has forgotten (gone for
   * an hour) goes, so a month-long run's memory follows the fleet alive, not every machine and
   * intent it ever had. A forgotten machine can no longer be rebooted, reported or made twice.
   */
  private sweep(now: number): void {
    this.sweepAt = now + 3_600_000;
    const known = new Set(this.sim.peek().map((m) => m.id));
    this.cloud.forgetVanished(known);
    for (const id of this.intentCounts.keys()) if (!this.cloud.made.has(id)) this.intentCounts.delete(id);
    for (const m of this.restartsOf.keys()) if (!known.has(m)) this.restartsOf.delete(m);
    for (const m of this.silenced.keys()) if (!known.has(m)) this.silenced.delete(m);
  }

  private async noLeak(t: TickFacts, known: ReadonlySet<string>): Promise<void> {
    const seen = this.cloud.listed;
    this.cloud.listed = undefined;
    if (!t.clean || !seen) return;
    this.checks++;
    for (const id of seen.ids) {
      // Gone rows are not loaded every tick: the few ids missing from the live ones are looked up alone.
      if (known.has(id) || (await this.store.getMachine(id))) continue;
      const pool = this.sim.peek().find((m) => m.id === id)?.tags['flotte:pool'] ?? 'unknown';
      this.violate('no-leak', id, t.atMs, `${id} (pool ${pool}) was listed by the cloud at +${Math.round((seen.at - this.start) / 1000)} s and is still unknown to the store after that tick`);
    }
  }

  private async noDouble(t: TickFacts): Promise<void> {
    this.checks++;
    const made = this.cloud.made;
    if ([...made.keys()].some((id) => !this.intentCounts.has(id))) {
      const stored = await this.store.listIntents();
      this.everIntended = stored.reduce((n, i) => n + i.count, 0);
      this.intentCounts = new Map(stored.filter((i) => made.has(i.id)).map((i) => [i.id, i.count]));
    }
    const everMade = this.cloud.madeInAll;
    const everIntended = this.everIntended;
    for (const [intent, ids] of made) {
      const count = this.intentCounts.get(intent);
      if (count !== undefined && ids.size > count) {
        this.violate('no-double', `intent/${intent}`, t.atMs, `intent ${intent} asked for ${count} machines and the cloud made ${ids.size} (${[...ids].slice(0, 6).join(' ')}${ids.size > 6 ? ' …' : ''})`);
      }
    }
    if (everMade > everIntended) {
      this.violate('no-double', 'ever', t.atMs, `the cloud made ${everMade} machines in all, more than the ${everIntended} ever intended (${[...made.keys()].filter((i) => !this.intentCounts.has(i)).length} launches carry no stored intent)`);
    }
  }

  /**
   * The brake may trip only on real failures: each death or error flotte reports must be one the
   * cloud confirms (a machine it still runs, counted as failed, feeds the brake and a needless
   * replacement), and the confirmed ones within the brake's window must pass its share. A death
   * during an outage is seen, and counted, only once the cloud answers again.
   */
  private async brake(t: TickFacts): Promise<void> {
    const events: FleetEvent[] = await this.store.listEvents({ after: this.lastEvent });
    if (events.length) this.lastEvent = events.at(-1)!.id;
    let cloud: Map<string, string> | undefined;
    for (const e of events) {
      if ((e.reason === 'Died' || e.reason === 'Unhealthy') && e.machine && e.pool) {
        this.checks++;
        cloud ??= new Map(this.sim.peek().map((m) => [m.id, m.status]));
        const status = cloud.get(e.machine);
        const silent = this.silenced.get(e.machine);
        if ((status === 'running' || status === 'pending') && !(silent !== undefined && silent <= e.at + this.clockToleranceMs + this.tickMs)) {
          this.violate('brake-honest', `failed/${e.machine}/${e.at}`, t.atMs, `${e.machine} (pool ${e.pool}) was reported ${e.reason === 'Died' ? 'dead' : 'unhealthy'} (${e.message.split('(').at(-1)?.replace(/\)$/, '') ?? e.message}) while the cloud still runs it (${status})`);
          continue;
        }
        const list = this.failures.get(e.pool) ?? [];
        list.push(e.at);
        // No brake window is an hour long: older ones only cost memory over a month-long run.
        while (list[0]! < e.at - 3_600_000) list.shift();
        this.failures.set(e.pool, list);
        continue;
      }
      if (e.reason !== 'HealingPaused' || !e.pool) continue;
      this.checks++;
      const policy = (await this.store.getPool(e.pool))?.health ?? DEFAULT_HEALTH;
      const size = Number(e.data?.size ?? 0);
      const from = e.at - policy.brake.windowMs - this.clockToleranceMs;
      const recent = (this.failures.get(e.pool) ?? []).filter((at) => at >= from);
      this.failures.set(e.pool, recent);
      if (recent.length < 2 || recent.length / Math.max(1, size) <= policy.brake.share) {
        this.violate('brake-honest', `${e.pool}/${e.at}`, t.atMs, `the healing brake tripped on pool ${e.pool} (${e.message.split(':')[0]}) but the cloud confirms only ${recent.length} failures of ${size} machines in its window (threshold more than ${Math.round(policy.brake.share * 100)}%)`);
      }
    }
  }

  private async operations(t: TickFacts): Promise<void> {
    if (this.opCreated.size === 0) return;
    this.checks++;
    for (const [id, { at, pool }] of this.opCreated) {
      const op = await this.store.getOperation(id);
      if (op && op.status !== 'running' && op.status !== 'paused') {
        this.opCreated.delete(id);
        continue;
      }
      if (t.now - at > OPERATION_BOUND_MS) this.violate('operations-end', id, t.atMs, `operation ${id} on pool ${pool} is still ${op?.status ?? 'missing'} ${Math.round((t.now - at) / 60_000)} min after it was created`);
    }
    this.checks++;
    for (const m of this.sim.peek()) {
      if (!this.restartsOf.has(m.id) && !m.reboots) continue;
      const rebooted = m.reboots ?? 0;
      const allowed = this.restartsOf.get(m.id) ?? 0;
      if (rebooted > allowed) this.violate('reboot-once', m.id, t.atMs, `${m.id} (pool ${m.tags['flotte:pool']}) was rebooted ${rebooted} times by ${allowed} restart operation(s)`);
    }
  }

  /**
   * Once every fault has cleared, each pool must reach its desired size (store and cloud agree,
   * every machine ready) within a bound from its size, the launch bucket and boot times.
   */
  private async convergence(t: TickFacts, pools: PoolSpec[], stored: { pool: string; state: string }[]): Promise<void> {
    const paused = await this.store.listHealingPaused();
    const busy = new Set((await this.store.listOperations({ active: true })).map((o) => o.pool));
    // No fault in force means no list delay: the cloud's last list is its whole truth.
    const live = this.cloud.liveByPool;
    for (const pool of pools) {
      const target = Math.min(pool.max, Math.max(pool.min, pool.desired));
      const was = this.targets.get(pool.name);
      if (!was || was.target !== target) this.targets.set(pool.name, { target, sinceMs: t.atMs });
      // A suspended pool (a stopped environment) keeps its machines stopped on purpose. An
      // operation's end (a roll-out's old machines still terminating) restarts the pool's clock,
      // as a move of its target does: the operation was work asked for, not a fault.
      if (busy.has(pool.name)) this.targets.set(pool.name, { target, sinceMs: t.atMs });
      if (paused.has(pool.name) || busy.has(pool.name) || pool.suspended) continue;
      this.checks++;
      const quietSinceMs = Math.max(t.quietSinceMs, this.targets.get(pool.name)!.sinceMs);
      const mine = stored.filter((m) => m.pool === pool.name && m.state !== 'gone');
      const ok = mine.length === target && mine.every((m) => m.state === 'ready') && (live.get(pool.name) ?? 0) === target;
      if (ok) continue;
      const bound = convergenceBoundMs(target, this.tickMs);
      if (t.atMs - quietSinceMs > bound) {
        this.violate('convergence', `${pool.name}/${quietSinceMs}`, t.atMs, `pool ${pool.name} has ${mine.filter((m) => m.state === 'ready').length} ready of ${target} (store ${mine.length}, cloud ${live.get(pool.name) ?? 0}) ${Math.round((t.atMs - quietSinceMs) / 1000)} s after the last fault cleared or its target last moved (bound ${Math.round(bound / 1000)} s)`);
      }
    }
  }
}

/**
 * The convergence bound: a capacity back-off may still be remembered (3 min), then launches
 * drain the instance bucket (2 machines a second), boot (40 s at most), and a terminate may need
 * one re-send (30 s); a few ticks on top for observing each step.
 */
export function convergenceBoundMs(target: number, tickMs: number): number {
  return 180_000 + Math.ceil(target / 2) * 1000 + 40_000 + 30_000 + 12 * tickMs;
}
