import type { Clock } from '../clock/clock.js';
import type { MetricSample } from '../domain/scaling/decision.js';
import type { PushedSample } from '../domain/scaling/pushed.js';
import { MetricReadError, type MetricSource, type PushedReader, type SourceEnv } from './source.js';

/**
 * How often a controller looks in the store for samples another process's API took, while a
 * pool it evaluates has a pushed metric: the median push waits half of it, well inside the
 * 200 ms a pushed change may take to become a launch. An API in the same process hands its
 * samples over at once instead (`deliver`).
 */
export const PUSH_POLL_MS = 100;

/** What the controller reads pushed samples from: the store's `pushedMetrics`. */
export interface PushedSampleStore {
  latest(pools: readonly string[]): Promise<PushedSample[]>;
}

const keyOf = (pool: string, metric: string): string => `${pool}\0${metric}`;

/**
 * The controller's view of pushed samples: the latest per pool and metric, fed by the API of
 * the same process (`deliver`, no wait) and by a look at the store every `PUSH_POLL_MS` (the
 * APIs of other processes), only for pools a source watches. Either way, a sample newer than
 * the one kept tells the metric's watchers, which bring the pool's evaluation forward.
 */
export class PushedSamples implements PushedReader {
  private readonly kept = new Map<string, PushedSample>();
  private readonly watchers = new Map<string, { pool: string; calls: Set<() => void> }>();

  constructor(
    private readonly store: PushedSampleStore,
    private readonly clock: Clock,
    private readonly pollMs = PUSH_POLL_MS,
  ) {}

  /** Samples the API of this process has just stored. */
  deliver(samples: readonly PushedSample[]): void {
    for (const s of samples) this.take(s);
  }

  async latest(pool: string, metric: string): Promise<MetricSample | undefined> {
    // Read within an evaluation: it acts on what it finds, so the watchers are not told.
    if (!this.kept.has(keyOf(pool, metric))) await this.sync([pool], false);
    const s = this.kept.get(keyOf(pool, metric));
    return s && { value: s.value, at: s.at };
  }

  watch(pool: string, metric: string, changed: () => void): () => void {
    const k = keyOf(pool, metric);
    let w = this.watchers.get(k);
    if (!w) this.watchers.set(k, (w = { pool, calls: new Set() }));
    const call = () => changed();
    w.calls.add(call);
    return () => {
      w.calls.delete(call);
      if (w.calls.size === 0) this.watchers.delete(k);
    };
  }

  /** Looks for samples stored by other processes until the signal aborts; a failed look is retried at the next. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const pools = [...new Set([...this.watchers.values()].map((w) => w.pool))];
      if (pools.length > 0) await this.sync(pools).catch(() => undefined);
      await this.clock.sleep(this.pollMs, signal).catch(() => undefined);
    }
  }

  private async sync(pools: readonly string[], tell = true): Promise<void> {
    for (const s of await this.store.latest(pools)) this.take(s, tell);
  }

  private take(s: PushedSample, tell = true): void {
    const k = keyOf(s.pool, s.metric);
    const had = this.kept.get(k);
    // The same rule as the store: a later `at` replaces; an older one (a late retry) never does.
    if (had && (had.at > s.at || (had.at === s.at && had.value === s.value && had.receivedAt === s.receivedAt))) return;
    this.kept.set(k, s);
    if (tell) for (const call of this.watchers.get(k)?.calls ?? []) call();
  }
}

/** A metric fed only by pushes: reads the latest pushed sample; each newer one tells the autoscaler. */
export function pushSource(env: SourceEnv): MetricSource {
  const { pushed, metric, pool } = env;
  const stop = pushed && metric && env.changed ? pushed.watch(pool, metric, env.changed) : undefined;
  return {
    async read() {
      if (!pushed || metric === undefined) throw new MetricReadError('pushed samples do not reach this process');
      const s = await pushed.latest(pool, metric);
      if (!s) throw new MetricReadError(`no sample pushed yet (POST /api/v1/pools/${pool}/metrics with {"samples":[{"metric":"${metric}","value":…}]})`);
      return s;
    },
    close() {
      stop?.();
      return Promise.resolve();
    },
  };
}
