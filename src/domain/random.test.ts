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
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const u = r.uniform(20, 40);
      expect(u).toBeGreaterThanOrEqual(20);
      expect(u).toBeLessThan(40);
      sumU += u;
      sumE += r.exponential(1 / 1000);
      const k = r.int(3);
      expect([0, 1, 2]).toContain(k);
    }
    expect(sumU / n).toBeCloseTo(30, 0);
    expect(sumE / n).toBeGreaterThan(950);
    expect(sumE / n).toBeLessThan(1050);
  });

  it('treats a zero rate as never', () => {
    expect(new Random(1).exponential(0)).toBe(Number.POSITIVE_INFINITY);
  });
});
