import type { Random } from '../../domain/random.js';
import { take, waitFor } from '../../domain/token-bucket.js';
import { ProviderError, isProviderError, type ActionKind } from '../provider.js';
import type { SimCloudOptions } from './options.js';
import type { MachineAction } from './sim-actions.js';
import type { SimState } from './sim-state.js';

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

export const SIM_ACTION_KIND: Record<SimAction, ActionKind> = {
  launch: 'launch',
  list: 'describe',
  terminate: 'mutate',
  reboot: 'mutate',
  stop: 'mutate',
  start: 'mutate',
};
const SIM_ACTIONS = Object.keys(SIM_ACTION_KIND) as SimAction[];

/**
 * The sim's front door: every request passes an outage check, the scripted one-shot faults,
 * the throttling storm and its request bucket, in that order, and is recorded with its outcome.
 */
/**
 * Requests the call log keeps: the newest this many at least, twice as many at most. A sim
 * behind `flotte up` answers every tick for days, and an unbounded log was the only thing in
 * its process that grew with time (about 10 MB a day); a few thousand calls is what a test or a person reads.
 */
export const SIM_CALL_LOG = 5_000;

export class SimGate {
  /** The most recent requests, in order (see SIM_CALL_LOG); `counters` count them all. */
  readonly calls: SimCall[] = [];
  readonly counters = Object.fromEntries(SIM_ACTIONS.map((a) => [a, { ok: 0, throttled: 0, error: 0 }])) as Record<
    SimAction,
    Record<SimOutcome, number>
  >;
  private faults = new Map<SimAction, ProviderError[]>();

  constructor(private readonly options: SimCloudOptions) {}

  request<T>(action: SimAction, meta: { ids?: number; count?: number }, at: { now: number; state: SimState; rng: Random }, body: () => T): T {
    try {
      this.admit(action, at.now, at.state, at.rng);
      const out = body();
      this.record(action, at.now, meta, 'ok');
      return out;
    } catch (e) {
      this.record(action, at.now, meta, isProviderError(e, 'throttled') ? 'throttled' : 'error');
      throw e;
    }
  }

  failNext(action: SimAction, error: ProviderError, times: number): void {
    const queue = this.faults.get(action) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.faults.set(action, queue);
  }

  clear(): void {
    this.calls.length = 0;
    for (const c of Object.values(this.counters)) c.ok = c.throttled = c.error = 0;
    this.faults.clear();
  }

  private admit(action: SimAction, now: number, state: SimState, rng: Random): void {
    if (this.options.outages.some((w) => now >= w.from && now < w.to)) {
      throw new ProviderError('unavailable', 'Unavailable: the simulated cloud is in an outage', { code: 'Unavailable' });
    }
    const scripted = this.faults.get(action)?.shift();
    if (scripted) throw scripted;
    if (this.options.throttleShare > 0 && rng.next() < this.options.throttleShare) {
      throw new ProviderError('throttled', 'RequestLimitExceeded (throttling storm)', { code: 'RequestLimitExceeded' });
    }
    const kind = SIM_ACTION_KIND[action];
    const next = take(state.buckets[kind], 1, now);
    if (!next) {
      const retryAfterMs = waitFor(state.buckets[kind], 1, now);
      throw new ProviderError('throttled', `RequestLimitExceeded: ${kind} bucket empty`, { code: 'RequestLimitExceeded', retryAfterMs });
    }
    state.buckets[kind] = next;
  }

  private record(action: SimAction, at: number, meta: { ids?: number; count?: number }, outcome: SimOutcome): void {
    this.calls.push({ action, at, ...meta, outcome });
    // Trimmed in halves, not one by one: a shift per call would cost O(log) on every request.
    if (this.calls.length > 2 * SIM_CALL_LOG) this.calls.splice(0, this.calls.length - SIM_CALL_LOG);
    this.counters[action][outcome]++;
  }
}

/** Takes `cost` machines from a resource bucket (EC2's RequestResourceCountExceeded when short). */
export function takeInstances(state: SimState, which: 'launch' | 'terminate', cost: number, now: number): void {
  if (cost <= 0) return;
  const bucket = state.instanceBuckets[which];
  const next = take(bucket, cost, now);
  if (!next) {
    const retryAfterMs = waitFor(bucket, cost, now);
    throw new ProviderError('throttled', `RequestResourceCountExceeded: ${which} needs ${cost} machines`, {
      code: 'RequestResourceCountExceeded',
      retryAfterMs,
    });
  }
  state.instanceBuckets[which] = next;
}
