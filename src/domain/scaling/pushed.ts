import type { ScalingSpec } from './spec.js';

/**
 * A sample someone pushed for a pool's `push` metric (POST /api/v1/pools/<pool>/metrics), as
 * kept: the latest per metric. `at` is when the value was true (the pusher's time, or the
 * arrival when it gave none); `receivedAt` is when the API stored it.
 */
export interface PushedSample {
  pool: string;
  metric: string;
  value: number;
  at: number;
  receivedAt: number;
}

/** How far ahead of the API's clock a sample's `at` may be: clocks drift, but a sample from the future would never go stale. */
export const PUSH_FUTURE_TOLERANCE_MS = 60_000;

/** Most samples in one push. */
export const MAX_PUSHED_SAMPLES = 1_000;

/**
 * Why `metric` cannot take pushed samples for a pool with this scaling (undefined when it can),
 * worded with the fix: only metrics declared `{ type: push }` are fed by pushes, so a typo or a
 * metric read from elsewhere is refused instead of stored where nothing reads it.
 */
export function pushRefusal(pool: string, scaling: ScalingSpec | undefined, metric: string): string | undefined {
  const pushed = Object.entries(scaling?.metrics ?? {})
    .filter(([, m]) => m.type === 'push')
    .map(([name]) => name);
  const declared = scaling?.metrics[metric];
  if (declared?.type === 'push') return undefined;
  const fix = pushed.length ? `push one of ${pushed.join(', ')}` : `declare it in flotte.yaml as pools.${pool}.scaling.metrics.${metric}: { type: push }`;
  if (declared) return `metric "${metric}" of pool ${pool} is read from ${declared.type}, not pushed (${fix})`;
  return `pool ${pool} has no pushed metric "${metric}" (${fix})`;
}
