import type { Clock } from '../../clock/clock.js';
import { Random } from '../../domain/random.js';
import { fullBucket, take, waitFor, type Bucket } from '../../domain/token-bucket.js';
import {
  ProviderError,
  chunk,
  emptyBatch,
  isProviderError,
  mergeBatch,
  type ActionKind,
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
import { FAULTS, settle, statusAt, toProviderMachine, vanished, type SimMachine } from './sim-machine.js';
import { loadState, saveState, type SimState } from './sim-state.js';

export type SimAction = 'launch' | MachineAction | 'list';
export type SimOutcome = 'ok' | 'throttled' | 'error';
/** One API request the sim received: one launch, one id batch, or one list page. */
export interface SimCall {
  action: SimAction;
  at: number;
  ids?: number | undefined;
  count?: number | undefined;
  outcome: SimOutcome;
}

const KIND: Record<SimAction, ActionKind> = {
  launch: 'launch',
  list: 'describe',
  terminate: 'mutate',
  reboot: 'mutate',
  stop: 'mutate',
  start: 'mutate',
};
const SIM_ACTIONS = Object.keys(KIND) as SimAction[];

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
  calls: SimCall[] = [];
  counters = emptyCounters();
  private state!: SimState;
  private machines = new Map<string, SimMachine>();
  private rng!: Random;
  private faults = new Map<SimAction, ProviderError[]>();

  constructor(options: SimCloudOptionsInput, private readonly clock: Clock) {
    this.options = simOptions(options);
    const o = this.options;
    this.limits = {
      idsPerCall: o.idsPerCall,
      launchPerCall: o.launchPerCall,
      buckets: structuredClone(o.buckets),
      listGraceMs: o.listDelayMs + 5000,
      pageSize: o.pageSize,
    };
    const saved = o.statePath ? loadState(o.statePath) : null;
    if (saved) this.adopt(saved);
    else this.adopt(this.freshState());
  }

  async launch(req: LaunchRequest, signal?: AbortSignal): Promise<LaunchResult> {
    signal?.throwIfAborted();
    return this.request('launch', { count: req.count }, (now) => {
      const prior = this.state.tokens[req.token];
      if (prior) return this.replay(prior, now, req);
      const o = this.options;
      if (!o.zones.includes(req.zone)) throw new ProviderError('invalid', `unknown zone ${req.zone}`, { code: 'InvalidZone' });
      if (!Number.isInteger(req.count) || req.count < 1 || req.count > o.launchPerCall) {
        throw new ProviderError('invalid', `count ${req.count} outside 1..${o.launchPerCall}`, { code: 'InvalidParameterValue' });
      }
      const fit = Math.min(req.count, this.room(req.zone, now));
      const where = { zone: req.zone, size: req.size };
      if (fit <= 0) throw new ProviderError('capacity', `InsufficientInstanceCapacity in ${req.zone}`, { code: 'InsufficientInstanceCapacity', ...where });
      this.takeInstances('launch', fit, now);
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
    this.prune(now);
    const seen = [...this.machines.values()].filter(
      (m) =>
        m.tags[TAG.cluster] === filter.cluster &&
        (filter.pool === undefined || m.tags[TAG.pool] === filter.pool) &&
        now >= m.launchedAt + this.options.listDelayMs,
    );
    const pages = chunk(seen, this.options.pageSize);
    for (const page of pages.length ? pages : [[]]) {
      signal?.throwIfAborted();
      this.request('list', { count: page.length }, () => undefined);
    }
    return seen.map((m) => toProviderMachine(m, now));
  }

  /** Every machine the sim still knows, terminated ones included, with internal details. */
  all(): (SimMachine & { status: ProviderStatus })[] {
    const now = this.clock.now();
    this.prune(now);
    return [...this.machines.values()].map((m) => ({ ...structuredClone(m), status: statusAt(m, now) }));
  }

  /** The next `times` requests of `action` fail with `error`, before any bucket is touched. */
  failNext(action: SimAction, error: ProviderError, times = 1): void {
    const queue = this.faults.get(action) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.faults.set(action, queue);
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
    this.adopt(this.freshState());
    this.calls = [];
    this.counters = emptyCounters();
    this.faults.clear();
    this.persist();
  }

  private freshState(): SimState {
    const now = this.clock.now();
    const o = this.options;
    const b = (k: ActionKind): Bucket => fullBucket(o.buckets[k].capacity, o.buckets[k].refillPerSecond, now);
    const ib = o.instanceBuckets;
    return {
      version: 1,
      counter: 0,
      rng: new Random(o.seed).state(),
      machines: [],
      tokens: {},
      buckets: { describe: b('describe'), mutate: b('mutate'), launch: b('launch') },
      instanceBuckets: {
        launch: fullBucket(ib.launch.capacity, ib.launch.refillPerSecond, now),
        terminate: fullBucket(ib.terminate.capacity, ib.terminate.refillPerSecond, now),
      },
      zoneCapacity: { ...o.zoneCapacity },
    };
  }

  private adopt(state: SimState): void {
    this.state = state;
    this.rng = new Random(state.rng);
    this.machines = new Map(state.machines.map((m) => [m.id, m]));
  }

  private persist(): void {
    if (!this.options.statePath) return;
    this.state.rng = this.rng.state();
    this.state.machines = [...this.machines.values()];
    saveState(this.options.statePath, this.state);
  }

  /** One API request: admission (outage, scripted fault, storm, bucket), then the body, recorded. */
  private request<T>(action: SimAction, meta: { ids?: number; count?: number }, body: (now: number) => T): T {
    const now = this.clock.now();
    try {
      this.admit(action, now);
      const out = body(now);
      this.record(action, now, meta, 'ok');
      return out;
    } catch (e) {
      this.record(action, now, meta, isProviderError(e, 'throttled') ? 'throttled' : 'error');
      throw e;
    }
  }

  private admit(action: SimAction, now: number): void {
    if (this.options.outages.some((w) => now >= w.from && now < w.to)) {
      throw new ProviderError('unavailable', 'Unavailable: the simulated cloud is in an outage', { code: 'Unavailable' });
    }
    const scripted = this.faults.get(action)?.shift();
    if (scripted) throw scripted;
    if (this.options.throttleShare > 0 && this.rng.next() < this.options.throttleShare) {
      throw new ProviderError('throttled', 'RequestLimitExceeded (throttling storm)', { code: 'RequestLimitExceeded' });
    }
    const kind = KIND[action];
    const next = take(this.state.buckets[kind], 1, now);
    if (!next) {
      const retryAfterMs = waitFor(this.state.buckets[kind], 1, now);
      throw new ProviderError('throttled', `RequestLimitExceeded: ${kind} bucket empty`, { code: 'RequestLimitExceeded', retryAfterMs });
    }
    this.state.buckets[kind] = next;
  }

  private takeInstances(which: 'launch' | 'terminate', cost: number, now: number): void {
    if (cost <= 0) return;
    const bucket = this.state.instanceBuckets[which];
    const next = take(bucket, cost, now);
    if (!next) {
      const retryAfterMs = waitFor(bucket, cost, now);
      throw new ProviderError('throttled', `RequestResourceCountExceeded: ${which} needs ${cost} machines`, {
        code: 'RequestResourceCountExceeded',
        retryAfterMs,
      });
    }
    this.state.instanceBuckets[which] = next;
  }

  private record(action: SimAction, at: number, meta: { ids?: number; count?: number }, outcome: SimOutcome): void {
    this.calls.push({ action, at, ...meta, outcome });
    this.counters[action][outcome]++;
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
      const done = this.request(action, { ids: part.length }, (now) => {
        this.prune(now);
        const out = emptyBatch();
        if (resource) this.takeInstances(resource, part.filter((id) => this.machines.has(id)).length, now);
        for (const id of part) {
          const m = this.machines.get(id);
          if (!m) {
            out.notFound.push(id);
            continue;
          }
          settle(m, now);
          const refused = TRANSITIONS[action](m, now, this.draws());
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

  private prune(now: number): void {
    for (const [id, m] of this.machines) if (vanished(m, now)) this.machines.delete(id);
  }
}

function emptyCounters(): Record<SimAction, Record<SimOutcome, number>> {
  return Object.fromEntries(SIM_ACTIONS.map((a) => [a, { ok: 0, throttled: 0, error: 0 }])) as Record<
    SimAction,
    Record<SimOutcome, number>
  >;
}
