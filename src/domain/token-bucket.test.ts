import { describe, expect, it } from 'vitest';
import { fullBucket, refill, take, waitFor } from './token-bucket.js';

const T0 = Date.UTC(2026, 11, 6, 9, 0);

describe('token bucket', () => {
  it('starts full', () => {
    expect(fullBucket(20, 2, T0)).toEqual({ capacity: 20, refillPerSecond: 2, tokens: 20, updatedAt: T0 });
  });

  it('refills at its rate up to its capacity', () => {
    const empty = { ...fullBucket(20, 2, T0), tokens: 0 };
    expect(refill(empty, T0 + 3_000)).toEqual({ capacity: 20, refillPerSecond: 2, tokens: 6, updatedAt: T0 + 3_000 });
    expect(refill(empty, T0 + 60_000).tokens).toBe(20);
  });

  it('a clock that steps back neither drains nor rewinds the bucket', () => {
    const b = { ...fullBucket(20, 2, T0), tokens: 5 };
    expect(refill(b, T0 - 10_000)).toEqual({ ...b, tokens: 5, updatedAt: T0 });
  });

  it('takes what is there, and refuses a call it cannot pay', () => {
    const b = { ...fullBucket(20, 2, T0), tokens: 3 };
    expect(take(b, 3, T0)).toEqual({ ...b, tokens: 0 });
    expect(take(b, 4, T0)).toBeNull();
    expect(take(b, 4, T0 + 500)?.tokens).toBeCloseTo(0, 9);
  });

  it('says how long a call must wait, and that a dry bucket waits forever', () => {
    const b = { ...fullBucket(20, 2, T0), tokens: 1 };
    expect(waitFor(b, 1, T0)).toBe(0);
    expect(waitFor({ ...b, tokens: 5 }, 1, T0)).toBe(0);
    expect(waitFor({ ...b, tokens: 4, refillPerSecond: 0 }, 4, T0)).toBe(0);
    expect(waitFor(b, 4, T0)).toBe(1_500);
    expect(waitFor(b, 4, T0 + 1_000)).toBe(500);
    // A cost above capacity waits for a full bucket, not forever.
    expect(waitFor(b, 50, T0)).toBe(9_500);
    expect(waitFor({ ...b, refillPerSecond: 0 }, 4, T0)).toBe(Number.POSITIVE_INFINITY);
  });
});
