import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

describe('Random', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('continues from a serialised state', () => {
    const a = new Random(7);
    a.next();
    const copy = new Random(JSON.parse(JSON.stringify(a.state())) as { s: number });
    expect(copy.next()).toBe(a.next());
  });

  it('keeps draws in range with plausible means', () => {
    const r = new Random(1);
    let sumU = 0;
    let sumE = 0;
    let lo = Infinity;
    let hi = -Infinity;
    const seen = new Set<number>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      const u = r.uniform(20, 40);
      lo = Math.min(lo, x, u - 20);
      hi = Math.max(hi, x, u - 39);
      sumU += u;
      sumE += r.exponential(1 / 1000);
      seen.add(r.int(3));
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect([...seen].sort()).toEqual([0, 1, 2]);
    expect(sumU / n).toBeCloseTo(30, 0);
    expect(sumE / n).toBeGreaterThan(950);
    expect(sumE / n).toBeLessThan(1050);
  });

  it('treats a zero rate as never', () => {
    expect(new Random(1).exponential(0)).toBe(Number.POSITIVE_INFINITY);
  });
});
