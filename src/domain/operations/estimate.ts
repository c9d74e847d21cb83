import type { Machine } from '../types.js';
import { windowSize } from './decide.js';
import type { OperationKind, Strategy } from './types.js';

/** How long one machine's work takes (reboot for restart, boot for replace and start), in ms. */
export interface Durations {
  mean: number;
  max: number;
  /** How many finished items these come from; 0 means the defaults below were used. */
  samples: number;
}

/** Used until flotte has watched machines of the pool reboot or boot: EC2-like figures. */
export const DEFAULT_DURATIONS: Readonly<Record<'reboot' | 'boot', Durations>> = Object.freeze({
  reboot: { mean: 45_000, max: 60_000, samples: 0 },
  boot: { mean: 45_000, max: 60_000, samples: 0 },
});

export interface EstimateInput {
  kind: OperationKind;
  strategy: Strategy;
  /** Machines the operation targets. */
  total: number;
  poolSize: number;
  limits: {
    idsPerCall: number;
    launchPerCall: number;
    /** The mutate bucket (reboot, stop, start, terminate) and the launch bucket, with tokens left now. */
    mutate: { capacity: number; refillPerSecond: number; tokens: number };
    launch: { capacity: number; refillPerSecond: number; tokens: number };
  };
  durations: Durations;
  /** How late a finished machine is noticed, at worst: the controller's tick plus the executor's poll. */
  observeMs: number;
}

export interface Estimate {
  waves: number[];
  /** Provider requests the operation will send, without retries. */
  calls: { mutate: number; launch: number };
  /** Time the request buckets force, on top of the machines' own time. */
  apiMs: number;
  totalMs: number;
}

/** Milliseconds a bucket with `tokens` left forces onto `calls` requests sent as fast as allowed. */
export function bucketMs(calls: number, b: { tokens: number; refillPerSecond: number }): number {
  const short = calls - Math.max(0, b.tokens);
  return short <= 0 ? 0 : b.refillPerSecond > 0 ? (short / b.refillPerSecond) * 1000 : Number.POSITIVE_INFINITY;
}

/**
 * The dry-run preview and the ETA: waves, calls and time, from the strategy, the provider's
 * limits and the reboot or boot times flotte has observed. A wave of many machines lasts as
 * long as its slowest one (`max`); a sliding window turns over about every `mean`.
 */
export function estimate(input: EstimateInput): Estimate {
  const { strategy: s, total, durations: d, limits } = input;
  const waves: number[] = [];
  let left = total;
  const canary = Math.min(left, s.canary?.count ?? 0);
  if (canary > 0) {
    waves.push(canary);
    left -= canary;
  }
  const w = windowSize({ strategy: s }, total, input.poolSize);
  while (left > 0) {
    const n = Math.min(w, left);
    waves.push(n);
    left -= n;
  }
  const replace = input.kind === 'replace';
  let mutate = 0;
  let launch = 0;
  for (const n of waves) {
    mutate += Math.ceil(n / limits.idsPerCall);
    if (replace) launch += Math.ceil(n / limits.launchPerCall);
  }
  const apiMs = Math.max(bucketMs(mutate, limits.mutate), replace ? bucketMs(launch, limits.launch) : 0);
  const per = d.max + input.observeMs;
  const main = waves.length - (canary > 0 ? 1 : 0);
  const sliding = s.kind === 'rolling' && s.batchSize === undefined;
  let machineMs = main === 0 ? 0 : sliding ? (main - 1) * (d.mean + input.observeMs) + per : main * per;
  if (canary > 0) machineMs += per + (s.canary?.bakeMs ?? 0);
  return { waves, calls: { mutate, launch }, apiMs, totalMs: apiMs + machineMs };
}

/** Mean and max of finished items' durations, or the defaults when there are none. */
export function observedDurations(samples: readonly number[], fallback: Durations): Durations {
  if (samples.length === 0) return fallback;
  let sum = 0;
  let max = 0;
  for (const x of samples) {
    sum += x;
    max = Math.max(max, x);
  }
  return { mean: sum / samples.length, max, samples: samples.length };
}

/**
 * Boot times (launch to ready, as the controller saw them) of the pool's most recent launches:
 * what a replace or a start of a pool that never had one can learn from, instead of the EC2-like
 * defaults. A machine's `readyAt` moves on after a reboot or a restart from stopped, so spans
 * longer than `maxMs` (the executor's own item timeout: no boot of an operation may take longer)
 * are not boots and are left out; a machine rebooted within that time still slips through.
 */
export function bootSamples(machines: readonly Pick<Machine, 'launchedAt' | 'readyAt'>[], limit: number, maxMs: number): number[] {
  return machines
    .filter((m) => m.readyAt !== undefined && m.readyAt >= m.launchedAt && m.readyAt - m.launchedAt <= maxMs)
    .sort((a, b) => b.launchedAt - a.launchedAt)
    .slice(0, limit)
    .map((m) => m.readyAt! - m.launchedAt);
}
