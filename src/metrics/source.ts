import type { Clock } from '../clock/clock.js';
import type { MetricSample } from '../domain/scaling/decision.js';

/**
 * Where one metric is read. The autoscaler calls `read` once per evaluation; a failure throws
 * (the decision then records it and holds the pool), it is never turned into a zero.
 */
export interface MetricSource {
  read(signal?: AbortSignal): Promise<MetricSample>;
  /** Releases connections; the source is not used afterwards. */
  close(): Promise<void>;
}

/**
 * Pool load as the agents report it. The agent and its heartbeat table are being built
 * separately (issue 3); this is the contract the `agents` source reads through, so the
 * composition root can hand in a store-backed reader once heartbeats are stored.
 */
export interface AgentLoadReader {
  /**
   * Averages over the pool's machines that have been ready at least `warmupSeconds` (busy is
   * a sum), or undefined when none reports. `at` is the oldest heartbeat counted.
   */
  poolLoad(pool: string, warmupSeconds: number): Promise<{ cpu: number; load: number; busy: number; machines: number; at: number } | undefined>;
}

/** Pushed samples as the controller sees them (src/metrics/pushed.ts), for `push` metrics. */
export interface PushedReader {
  /** The latest sample pushed for the pool's metric, or undefined when none ever was. */
  latest(pool: string, metric: string): Promise<MetricSample | undefined>;
  /** Calls `changed` whenever a newer sample of the metric arrives, until the returned function is called. */
  watch(pool: string, metric: string, changed: () => void): () => void;
}

export interface SourceEnv {
  clock: Clock;
  pool: string;
  warmupSeconds: number;
  agents?: AgentLoadReader | undefined;
  /** The metric's name in the pool's `scaling.metrics`. */
  metric?: string | undefined;
  pushed?: PushedReader | undefined;
  /**
   * Told when the source learns, between reads, that its value moved (a push, a Redis keyspace
   * notification): the autoscaler then evaluates the pool early. Sources that cannot know only read.
   */
  changed?: (() => void) | undefined;
  /** Told, once, when the source cannot do all its spec asks (keyspace notifications off): people see it as an event. */
  notice?: ((message: string) => void) | undefined;
}

/** Default wait for a source's answer: well under the shortest evaluation interval. */
export const READ_TIMEOUT_MS = 5_000;

export class MetricReadError extends Error {}

/** An AbortSignal that fires after `ms` on `clock` (or with `outer`), and a way to stop its timer. */
export function deadline(clock: Clock, ms: number, outer?: AbortSignal): { signal: AbortSignal; done(): void } {
  const ctrl = new AbortController();
  const timer = new AbortController();
  clock.sleep(ms, timer.signal).then(
    () => ctrl.abort(new MetricReadError(`no answer within ${ms} ms`)),
    () => undefined,
  );
  const onOuter = () => ctrl.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: ctrl.signal,
    done() {
      timer.abort();
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

/** A number from a JSON value or a numeric string (Prometheus sends values as strings). */
export function toNumber(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new MetricReadError(`${what} is not a number: ${JSON.stringify(v)}`);
  return n;
}
