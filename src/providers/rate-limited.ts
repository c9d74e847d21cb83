import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../clock/clock.js';
import { refill, waitFor, type Bucket } from '../domain/token-bucket.js';
import {
  ACTION_KINDS,
  ProviderError,
  chunk,
  emptyBatch,
  mergeBatch,
  type ActionKind,
  type BatchResult,
  type LaunchRequest,
  type LaunchResult,
  type MachineBucketKind,
  type OwnerFilter,
  type Provider,
  type ProviderMachine,
} from './provider.js';

/** How retryable provider errors are retried: capped exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff ceiling of the first retry; doubles each retry. */
  baseMs: number;
  /** Largest backoff ceiling. */
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxAttempts: 6, baseMs: 200, maxMs: 20_000 });

/** After a throttle the pace falls to half, never below this share of the cloud's nominal rate. */
export const AIMD_FLOOR_SHARE = 0.1;
/** Each success gives back this share of the nominal rate. */
export const AIMD_STEP_SHARE = 0.05;

export interface RateLimitedOptions {
  clock: Clock;
  retry?: Partial<RetryPolicy> | undefined;
  /** Jitter source in [0, 1); seeded in tests. */
  random?: (() => number) | undefined;
  onThrottle?: ((action: ActionKind) => void) | undefined;
}

export interface ActionStats {
  /** Requests sent to the provider (each chunk and each retry counts). */
  calls: number;
  throttled: number;
  retried: number;
  /** Failures handed back to the caller after retries, or at once when not retryable. */
  errors: number;
}

export interface LimiterStats extends ActionStats {
  byAction: Record<ActionKind, ActionStats>;
  /** The client-side buckets now: the API budget left. */
  buckets: Record<ActionKind, { tokens: number; capacity: number; refillPerSecond: number; nominalRefillPerSecond: number }>;
}

export type RateLimitedProvider = Provider & { stats(): LimiterStats };

/** Requests sent (retries included) and throttled on behalf of one caller, e.g. an operation. */
export interface CallTally {
  calls: number;
  throttled: number;
}

const tallies = new AsyncLocalStorage<CallTally>();

/** Runs `fn` with every limiter request it makes also counted in `tally`, so a caller sees its own share of the shared budget. */
export function tallyCalls<T>(tally: CallTally, fn: () => Promise<T>): Promise<T> {
  return tallies.run(tally, fn);
}

/** Backoff before retry number `attempt` (1-based): uniform in [0, min(maxMs, baseMs·2^(attempt-1))). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  return random() * Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
}

/**
 * Wraps a provider so flotte paces itself to the cloud's request buckets instead of being
 * throttled, slows down (AIMD) when throttled anyway, and retries what is worth retrying.
 * Multi-id calls are split here into `idsPerCall` chunks so each is paced and retried alone;
 * a chunk that still fails reports its ids in `failed`, and only a call whose every chunk
 * failed throws.
 */
export function rateLimited(inner: Provider, opts: RateLimitedOptions): RateLimitedProvider {
  return new Limiter(inner, opts);
}

class Limiter implements RateLimitedProvider {
  readonly name: string;
  readonly limits: Provider['limits'];
  readonly capabilities: Provider['capabilities'];
  /** Present when the cloud's provider has it; paced like `stop`. */
  readonly shelve?: Provider['shelve'];
  /** Present when the cloud's provider has it; one describe request. */
  readonly sizes?: Provider['sizes'];
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly buckets: Record<ActionKind, Bucket>;
  private readonly machineBuckets: Partial<Record<MachineBucketKind, Bucket>> = {};
  private readonly counts = Object.fromEntries(
    ACTION_KINDS.map((k) => [k, { calls: 0, throttled: 0, retried: 0, errors: 0 }]),
  ) as Record<ActionKind, ActionStats>;
  /** Pages the last list took: the guess for the next one's describe cost. */
  private listPages = 1;

  constructor(private readonly inner: Provider, private readonly opts: RateLimitedOptions) {
    this.name = inner.name;
    this.limits = inner.limits;
    this.capabilities = inner.capabilities;
    if (inner.sizes) this.sizes = (signal) => this.send('describe', 1, () => inner.sizes!(signal), signal);
    if (inner.shelve) this.shelve = (ids, signal) => this.batched(ids, signal, (part) => inner.shelve!(part, signal), 'terminate');
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.random = opts.random ?? Math.random;
    const now = opts.clock.now();
    const b = (k: ActionKind): Bucket => ({ ...inner.limits.buckets[k], tokens: inner.limits.buckets[k].capacity, updatedAt: now });
    this.buckets = { describe: b('describe'), mutate: b('mutate'), launch: b('launch') };
    for (const [k, spec] of Object.entries(inner.limits.machineBuckets ?? {}) as [MachineBucketKind, { capacity: number; refillPerSecond: number }][]) {
      this.machineBuckets[k] = { ...spec, tokens: spec.capacity, updatedAt: now };
    }
  }

  launch(request: LaunchRequest, signal?: AbortSignal): Promise<LaunchResult> {
    return this.send('launch', 1, () => this.inner.launch(request, signal), signal, ['launch', request.count]);
  }

  terminate(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.batched(ids, signal, (part) => this.inner.terminate(part, signal), 'terminate');
  }

  reboot(ids: readonly string[], options: { hard: boolean }, signal?: AbortSignal): Promise<BatchResult> {
    return this.batched(ids, signal, (part) => this.inner.reboot(part, options, signal));
  }

  stop(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.batched(ids, signal, (part) => this.inner.stop(part, signal), 'terminate');
  }

  start(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.batched(ids, signal, (part) => this.inner.start(part, signal), 'launch');
  }

  async list(filter: OwnerFilter, signal?: AbortSignal): Promise<ProviderMachine[]> {
    const charged = this.listPages;
    const out = await this.send('describe', charged, () => this.inner.list(filter, signal), signal);
    const pageSize = this.limits.pageSize;
    this.listPages = pageSize ? Math.max(1, Math.ceil(out.length / pageSize)) : 1;
    // Pages beyond the guess were spent at the cloud: owe them here too.
    if (this.listPages > charged) this.spend('describe', this.listPages - charged);
    return out;
  }

  stats(): LimiterStats {
    const now = this.opts.clock.now();
    const total = { calls: 0, throttled: 0, retried: 0, errors: 0 };
    for (const k of ACTION_KINDS) for (const f of Object.keys(total) as (keyof ActionStats)[]) total[f] += this.counts[k][f];
    const bucket = (k: ActionKind): LimiterStats['buckets'][ActionKind] => {
      const b = refill(this.buckets[k], now);
      return { tokens: b.tokens, capacity: b.capacity, refillPerSecond: b.refillPerSecond, nominalRefillPerSecond: this.limits.buckets[k].refillPerSecond };
    };
    return {
      ...total,
      byAction: structuredClone(this.counts),
      buckets: { describe: bucket('describe'), mutate: bucket('mutate'), launch: bucket('launch') },
    };
  }

  private async batched(
    ids: readonly string[],
    signal: AbortSignal | undefined,
    call: (part: string[]) => Promise<BatchResult>,
    machines?: MachineBucketKind,
  ): Promise<BatchResult> {
    const result = emptyBatch();
    const parts = chunk(ids, this.limits.idsPerCall);
    let failedParts = 0;
    let lastError: ProviderError | undefined;
    for (const part of parts) {
      try {
        mergeBatch(result, await this.send('mutate', 1, () => call(part), signal, machines && [machines, part.length]));
      } catch (e) {
        if (!(e instanceof ProviderError) || signal?.aborted) throw e;
        failedParts++;
        lastError = e;
        for (const id of part) result.failed.push({ id, error: e });
      }
    }
    if (lastError && failedParts === parts.length) throw lastError;
    return result;
  }

  /** One logical request: paced, retried per policy, with AIMD feedback on the bucket. */
  private async send<T>(
    kind: ActionKind,
    cost: number,
    call: () => Promise<T>,
    signal: AbortSignal | undefined,
    machines?: [MachineBucketKind, number],
  ): Promise<T> {
    const stats = this.counts[kind];
    for (let attempt = 1; ; attempt++) {
      // Machines are waited for before each attempt but spent only on success, as the cloud does.
      if (machines) await this.awaitMachines(machines[0], machines[1], signal);
      await this.acquire(kind, cost, signal);
      stats.calls++;
      const tally = tallies.getStore();
      if (tally) tally.calls++;
      try {
        const out = await call();
        if (machines) this.spendMachines(machines[0], machines[1]);
        this.adjust(kind, (rate, nominal) => Math.min(nominal, rate + nominal * AIMD_STEP_SHARE));
        return out;
      } catch (e) {
        signal?.throwIfAborted();
        if (!(e instanceof ProviderError)) {
          stats.errors++;
          throw e;
        }
        if (e.kind === 'throttled') {
          stats.throttled++;
          if (tally) tally.throttled++;
          this.adjust(kind, (rate, nominal) => Math.max(nominal * AIMD_FLOOR_SHARE, rate / 2), true);
          this.opts.onThrottle?.(kind);
        }
        // A launch that failed any other way than throttled may have been carried out with its
        // answer lost; sent again, a cloud that forgets its token would launch it twice. The
        // controller resolves it from the cloud's list instead.
        const maybeDone = kind === 'launch' && e.kind !== 'throttled';
        if (!e.retryable || maybeDone || attempt >= this.policy.maxAttempts) {
          stats.errors++;
          throw e;
        }
        stats.retried++;
        const delay = Math.max(e.details.retryAfterMs ?? 0, backoffMs(this.policy, attempt, this.random));
        await this.opts.clock.sleep(delay, signal);
      }
    }
  }

  /** Waits until the bucket holds `cost` tokens (a full bucket if cost exceeds it), then spends them. */
  private async acquire(kind: ActionKind, cost: number, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const wait = waitFor(this.buckets[kind], cost, this.opts.clock.now());
      if (wait === 0) return this.spend(kind, cost);
      await this.opts.clock.sleep(wait, signal);
    }
  }

  private async awaitMachines(kind: MachineBucketKind, cost: number, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const bucket = this.machineBuckets[kind];
      const wait = bucket ? waitFor(bucket, cost, this.opts.clock.now()) : 0;
      if (wait === 0) return;
      await this.opts.clock.sleep(wait, signal);
    }
  }

  private spendMachines(kind: MachineBucketKind, cost: number): void {
    const bucket = this.machineBuckets[kind];
    if (!bucket) return;
    const b = refill(bucket, this.opts.clock.now());
    this.machineBuckets[kind] = { ...b, tokens: b.tokens - cost };
  }

  /** Spends tokens, possibly into debt, which later callers wait off. */
  private spend(kind: ActionKind, cost: number): void {
    const b = refill(this.buckets[kind], this.opts.clock.now());
    this.buckets[kind] = { ...b, tokens: b.tokens - cost };
  }

  private adjust(kind: ActionKind, rate: (current: number, nominal: number) => number, empty = false): void {
    const b = refill(this.buckets[kind], this.opts.clock.now());
    const next = rate(b.refillPerSecond, this.limits.buckets[kind].refillPerSecond);
    this.buckets[kind] = { ...b, refillPerSecond: next, tokens: empty ? Math.min(b.tokens, 0) : b.tokens };
  }
}
