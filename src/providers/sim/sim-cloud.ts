import type { Clock } from '../../clock/clock.js';
import { Random } from '../../domain/random.js';
import {
  ProviderError,
  chunk,
  emptyBatch,
  inPools,
  mergeBatch,
  type BatchResult,
  type LaunchRequest,
  type LaunchResult,
  type OwnerFilter,
  type Provider,
  type ProviderCapabilities,
  type ProviderLimits,
  type ProviderMachine,
  type ProviderStatus,
} from '../provider.js';
import { TAG } from '../../domain/types.js';
import { simOptions, type SimCloudOptions, type SimCloudOptionsInput } from './options.js';
import { TRANSITIONS, type Draws, type MachineAction } from './sim-actions.js';
import { FAULTS, settle, statusAt, toProviderMachine, vanished, vanishesFrom, type SimMachine } from './sim-machine.js';
import { freshState, loadState, saveState, type SimState } from './sim-state.js';
import { SimGate, takeInstances, type SimAction, type SimCall, type SimOutcome } from './sim-gate.js';
import { takeCensus, type SimCensus } from './sim-census.js';

/**
 * An in-process cloud with real state: the test double for everything above the provider and
 * the engine of the planner. Deterministic for a seed and a clock; faults are scripted through
 * options and one-shot knobs; every request is recorded.
 */
export class SimCloud implements Provider {
  readonly name = 'sim';
  readonly capabilities: ProviderCapabilities = { stopStart: true, reboot: true, batchLaunch: true };
  readonly limits: ProviderLimits;
  /** Options in force; tests may change fields (throttleShare, outages…) between calls. */
  readonly options: SimCloudOptions;
  private readonly gate: SimGate;
  private state!: SimState;
  private machines = new Map<string, SimMachine>();
  /**
   * No machine can vanish before this instant: pruning may skip until then. Lowered whenever a
   * machine is created or changed; recomputed by each pruning pass.
   */
  private quietUntil = Number.NEGATIVE_INFINITY;
  private rng!: Random;

  constructor(options: SimCloudOptionsInput, private readonly clock: Clock) {
    this.options = simOptions(options);
    const o = this.options;
    this.limits = {
      idsPerCall: o.idsPerCall,
      launchPerCall: o.launchPerCall,
      buckets: structuredClone(o.buckets),
      listGraceMs: o.listDelayMs + 5000,
      pageSize: o.pageSize,
      machineBuckets: structuredClone(o.instanceBuckets),
    };
    this.gate = new SimGate(o);
    this.adopt((o.statePath ? loadState(o.statePath) : null) ?? freshState(o, clock.now()));
  }

  /** Makes the machines before it returns (the promise only carries the answer): `createdCount` relies on it. */
  async launch(req: LaunchRequest, signal?: AbortSignal): Promise<LaunchResult> {
    signal?.throwIfAborted();
    const now = this.clock.now();
    return this.gate.request('launch', { count: req.count }, this.at(now), () => {
      const prior = this.options.forgetClientToken ? undefined : this.state.tokens[req.token];
      if (prior) return this.replay(prior, now, req);
      const o = this.options;
      if (!o.zones.includes(req.zone)) throw new ProviderError('invalid', `unknown zone ${req.zone}`, { code: 'InvalidZone' });
      if (!Number.isInteger(req.count) || req.count < 1 || req.count > o.launchPerCall) {
        throw new ProviderError('invalid', `count ${req.count} outside 1..${o.launchPerCall}`, { code: 'InvalidParameterValue' });
      }
      const fit = Math.min(req.count, this.room(req.zone, now));
      const where = { zone: req.zone, size: req.size };
      if (fit <= 0) throw new ProviderError('capacity', `InsufficientInstanceCapacity in ${req.zone}`, { code: 'InsufficientInstanceCapacity', ...where });
      takeInstances(this.state, 'launch', fit, now);
      const made = Array.from({ length: fit }, () => this.create(req, now));
      const failedCount = req.count - fit;
      const failedMessage = failedCount > 0 ? `InsufficientInstanceCapacity: ${failedCount} of ${req.count} did not fit in ${req.zone}` : undefined;
      this.state.tokens[req.token] = { ids: made.map((m) => m.id), failedCount, failedMessage };
      this.persist();
      return this.replay(this.state.tokens[req.token]!, now, req);
    });
  }

  terminate(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.batch('terminate', ids, signal, 'terminate');
  }

  reboot(ids: readonly string[], _options: { hard: boolean }, signal?: AbortSignal): Promise<BatchResult> {
    return this.batch('reboot', ids, signal);
  }

  stop(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.batch('stop', ids, signal, 'terminate');
  }

  start(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.batch('start', ids, signal, 'launch');
  }

  async list(filter: OwnerFilter, signal?: AbortSignal): Promise<ProviderMachine[]> {
    const now = this.clock.now();
    // Listed every controller tick: pruning and listing share one pass. Reading a machine changes nothing, so it may come before the pages are charged.
    const seen: ProviderMachine[] = [];
    this.prune(now, (m) => {
      if (m.tags[TAG.cluster] === filter.cluster && inPools(filter, m.tags[TAG.pool]) && now >= m.launchedAt + this.options.listDelayMs) {
        seen.push(toProviderMachine(m, now));
      }
    });
    const pages = chunk(seen, this.options.pageSize);
    for (const page of pages.length ? pages : [[]]) {
      signal?.throwIfAborted();
      this.gate.request('list', { count: page.length }, this.at(now), () => undefined);
    }
    return seen;
  }

  /** Every machine the sim still knows, terminated ones included, with internal details. */
  all(): (SimMachine & { status: ProviderStatus })[] {
    const now = this.clock.now();
    this.prune(now);
    return [...this.machines.values()].map((m) => ({ ...structuredClone(m), status: statusAt(m, now) }));
  }

  /** One machine as `all()` shows it (a copy, with its status), or undefined: for a face that answers about a few ids, at their cost and not the cloud's. */
  machine(id: string): (SimMachine & { status: ProviderStatus }) | undefined {
    const now = this.clock.now();
    const m = this.machines.get(id);
    // A machine past its retention is gone from all() (pruned there); here it is only passed over.
    return m && !vanished(m, now) ? { ...structuredClone(m), status: statusAt(m, now) } : undefined;
  }

  /**
   * Every machine the sim still knows, as `all()` but shallow and read-only: for checks that run
   * every tick (the fault campaign), where deep copies of the whole cloud cost more than the tick.
   */
  peek(): readonly Readonly<SimMachine & { status: ProviderStatus }>[] {
    const now = this.clock.now();
    this.prune(now);
    return [...this.machines.values()].map((m) => ({ ...m, status: statusAt(m, now) }));
  }

  /**
   * Machines this cloud has ever made, failed launches and forgotten machines included (a sim
   * resumed from its state file counts on). `launch` makes its machines before it returns, so
   * this count read around the call is what the call made, without copying the cloud: 0 when
   * its token replayed an earlier launch.
   */
  get createdCount(): number {
    return this.state.counter;
  }

  /** Counts by status and the next status change, copying nothing: the planner's per-step view. */
  census(): SimCensus {
    return takeCensus(this.machines.values(), this.clock.now());
  }

  /** The most recent requests received (at least the last 5,000), in order: one per launch, id batch and list page. */
  get calls(): SimCall[] {
    return this.gate.calls;
  }

  /** Requests per action and outcome. */
  get counters(): Record<SimAction, Record<SimOutcome, number>> {
    return this.gate.counters;
  }

  /**
   * Passes one request of `action` through the gate (outage, one-shot faults, throttling,
   * bucket) and records it, doing nothing else: lets a face that answers from `all()` (the
   * EC2 face's describe calls) cost what the cloud's own list page costs.
   */
  charge(action: SimAction, meta: { ids?: number; count?: number } = {}): void {
    this.gate.request(action, meta, this.at(this.clock.now()), () => undefined);
  }

  /** The next `times` requests of `action` fail with `error`, before any bucket is touched. */
  failNext(action: SimAction, error: ProviderError, times = 1): void {
    this.gate.failNext(action, error, times);
  }

  /** Makes live machines die now, as a cloud failure would. */
  kill(ids: readonly string[]): void {
    const now = this.clock.now();
    for (const id of ids) {
      const m = this.machines.get(id);
      if (!m) continue;
      settle(m, now);
      if (m.terminatingAt === undefined) m.diesAt = now;
      settle(m, now);
      this.quietUntil = Math.min(this.quietUntil, vanishesFrom(m));
    }
    this.persist();
  }

  /** Sets tags on machines, a key already there taking the new value: what EC2's CreateTags does. */
  tag(ids: readonly string[], tags: Readonly<Record<string, string>>): void {
    for (const id of ids) {
      const m = this.machines.get(id);
      if (m) Object.assign(m.tags, tags);
    }
    this.persist();
  }

  /**
   * Gives machines a public IPv4 from the documentation range (203.0.113.0/24), as associating an
   * Elastic or floating IP does after boot: the way to test that a late address is picked up.
   */
  associatePublic(ids: readonly string[]): void {
    for (const id of ids) {
      const m = this.machines.get(id);
      if (m) m.publicAddress = `203.0.113.${(Number(id.replace(/\D/g, '')) % 254) + 1}`;
    }
    this.persist();
  }

  /** Most live machines in `zone`; undefined lifts the limit. */
  setZoneCapacity(zone: string, capacity: number | undefined): void {
    if (capacity === undefined) delete this.state.zoneCapacity[zone];
    else this.state.zoneCapacity[zone] = capacity;
    this.persist();
  }

  /** Back to an empty cloud with full buckets, a reseeded generator and no recorded calls. */
  reset(): void {
    this.adopt(freshState(this.options, this.clock.now()));
    this.gate.clear();
    this.persist();
  }

  private at(now: number): { now: number; state: SimState; rng: Random } {
    return { now, state: this.state, rng: this.rng };
  }

  private adopt(state: SimState): void {
    this.state = state;
    this.rng = new Random(state.rng);
    this.machines = new Map(state.machines.map((m) => [m.id, m]));
    this.quietUntil = Number.NEGATIVE_INFINITY;
  }

  private persist(): void {
    if (!this.options.statePath) return;
    this.state.rng = this.rng.state();
    this.state.machines = [...this.machines.values()];
    saveState(this.options.statePath, this.state);
  }

  private async batch(
    action: MachineAction,
    ids: readonly string[],
    signal: AbortSignal | undefined,
    resource?: 'launch' | 'terminate',
  ): Promise<BatchResult> {
    const result = emptyBatch();
    for (const part of chunk(ids, this.options.idsPerCall)) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      const done = this.gate.request(action, { ids: part.length }, this.at(now), () => {
        this.prune(now);
        const out = emptyBatch();
        if (resource) takeInstances(this.state, resource, part.filter((id) => this.machines.has(id)).length, now);
        for (const id of part) {
          const m = this.machines.get(id);
          if (!m) {
            out.notFound.push(id);
            continue;
          }
          settle(m, now);
          const refused = TRANSITIONS[action](m, now, this.draws());
          this.quietUntil = Math.min(this.quietUntil, vanishesFrom(m));
          if (refused) out.failed.push({ id, error: refused });
          else out.done.push(id);
        }
        this.persist();
        return out;
      });
      mergeBatch(result, done);
    }
    return result;
  }

  private draws(): Draws {
    const o = this.options;
    return {
      bootMs: () => this.rng.uniform(o.bootSeconds.min, o.bootSeconds.max) * 1000,
      rebootMs: () => this.rng.uniform(o.rebootSeconds.min, o.rebootSeconds.max) * 1000,
      diesAt: (readyAt) => {
        const life = this.rng.exponential(o.deathRatePerHour / 3_600_000);
        return Number.isFinite(life) ? readyAt + life : null;
      },
      shutdownMs: o.terminateSeconds * 1000,
    };
  }

  private create(req: LaunchRequest, now: number): SimMachine {
    const n = ++this.state.counter;
    const d = this.draws();
    const readyAt = now + d.bootMs();
    const failed = this.rng.next() < this.options.launchFailureRate;
    const diesAt = d.diesAt(readyAt);
    const m: SimMachine = {
      id: `sim-${String(n).padStart(8, '0')}`,
      token: req.token,
      zone: req.zone,
      size: req.size,
      image: req.template.image,
      tags: { ...req.tags },
      address: `10.${this.options.zones.indexOf(req.zone) & 255}.${(n >> 8) & 255}.${n & 255}`,
      launchedAt: now,
      readyAt,
      failed,
      diesAt: failed ? null : diesAt,
      fault: failed ? FAULTS.launch : undefined,
    };
    this.machines.set(m.id, m);
    this.quietUntil = Math.min(this.quietUntil, vanishesFrom(m));
    return m;
  }

  private replay(rec: SimState['tokens'][string], now: number, req: LaunchRequest): LaunchResult {
    const launched = rec.ids.flatMap((id) => {
      const m = this.machines.get(id);
      return m ? [toProviderMachine(m, now)] : [];
    });
    const where = { zone: req.zone, size: req.size };
    const failed = rec.failedCount > 0
      ? { count: rec.failedCount, error: new ProviderError('capacity', rec.failedMessage ?? 'InsufficientInstanceCapacity', { code: 'InsufficientInstanceCapacity', ...where }) }
      : null;
    return { launched, failed };
  }

  private room(zone: string, now: number): number {
    const cap = this.state.zoneCapacity[zone];
    if (cap === undefined) return Number.POSITIVE_INFINITY;
    let live = 0;
    for (const m of this.machines.values()) if (m.zone === zone && statusAt(m, now) !== 'terminated') live++;
    return cap - live;
  }

  /** Forgets machines terminated longer ago than the retention, then shows `visit` each one left, in order. */
  private prune(now: number, visit?: (m: SimMachine) => void): void {
    const pruning = now >= this.quietUntil;
    if (!pruning && !visit) return;
    let next = Number.POSITIVE_INFINITY;
    let forgot = false;
    for (const m of this.machines.values()) {
      if (pruning) {
        // Deleting from a Map while iterating it is safe: the rest are still visited, in order.
        if (vanished(m, now)) {
          this.machines.delete(m.id);
          forgot = true;
          continue;
        }
        next = Math.min(next, vanishesFrom(m));
      }
      visit?.(m);
    }
    if (pruning) this.quietUntil = next;
    if (forgot) this.forgetTokens();
  }

  /**
   * A launch token is remembered while one of the machines it made is still known, as EC2 keeps
   * a ClientToken on its instances: a sim that runs for months keeps neither its memory nor its
   * state file growing with every launch it ever answered.
   */
  private forgetTokens(): void {
    for (const [token, rec] of Object.entries(this.state.tokens)) {
      if (!rec.ids.some((id) => this.machines.has(id))) delete this.state.tokens[token];
    }
  }
}
