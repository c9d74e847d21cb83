/**
 * A token bucket as plain data and pure functions of time, so the sim cloud (which throttles)
 * and flotte's client-side limiter (which paces) share one piece of arithmetic.
 */
export interface Bucket {
  capacity: number;
  refillPerSecond: number;
  tokens: number;
  updatedAt: number;
}

export function fullBucket(capacity: number, refillPerSecond: number, now: number): Bucket {
  return { capacity, refillPerSecond, tokens: capacity, updatedAt: now };
}

export function refill(bucket: Bucket, now: number): Bucket {
  const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
  const tokens = Math.min(bucket.capacity, bucket.tokens + elapsed * bucket.refillPerSecond);
  return { ...bucket, tokens, updatedAt: Math.max(now, bucket.updatedAt) };
}

/** Takes `cost` tokens if available; returns the new bucket, or null when the call must wait. */
export function take(bucket: Bucket, cost: number, now: number): Bucket | null {
  const b = refill(bucket, now);
  if (b.tokens + 1e-9 < cost) return null;
  return { ...b, tokens: b.tokens - cost };
}

/** Milliseconds until `cost` tokens are available (0 if now). A cost above capacity waits for a full bucket. */
export function waitFor(bucket: Bucket, cost: number, now: number): number {
  const b = refill(bucket, now);
  const need = Math.min(cost, b.capacity) - b.tokens;
  if (need <= 0) return 0;
  if (b.refillPerSecond <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil((need / b.refillPerSecond) * 1000);
}
