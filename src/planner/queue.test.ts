import { describe, expect, it } from 'vitest';
import { FluidQueue } from './queue.js';

describe('FluidQueue', () => {
  it('serves load below capacity at once: no backlog, no delay', () => {
    const q = new FluidQueue(300);
    for (let i = 0; i < 360; i++) q.step(i * 10, 10, 80, 100);
    q.finish(3600, 100);
    expect(q.backlog).toBe(0);
    expect(q.served).toBeCloseTo(80 * 3600, 6);
    expect(q.delays.max).toBe(0);
    expect(q.delays.percentile(99)).toBe(0);
    expect(q.overSlo).toBe(0);
  });

  it('grows the backlog at exactly the excess rate, and every unit waits what the hand calculation says', () => {
    // λ = 120/s arriving, μ = 100/s served, for T = 3600 s.
    const q = new FluidQueue(300);
    for (let i = 0; i < 360; i++) {
      q.step(i * 10, 10, 120, 100);
      expect(q.backlog).toBeCloseTo(20 * (i + 1) * 10, 6);
    }
    q.finish(3600, 100);
    // Work arriving at t leaves when the server reaches it: at λt/μ, so it waits t(λ-μ)/μ = t/5.
    expect(q.delays.max).toBeCloseTo(3600 / 5, 6);
    expect(q.delays.mean()).toBeCloseTo(3600 / 10, 6);
    expect(q.delays.percentile(50)).toBeCloseTo(360, 0);
    expect(q.delays.percentile(95)).toBeCloseTo(684, 0);
    // Waits pass the 300 s SLO for work arriving after t = 1500 s.
    expect(q.overSlo).toBeCloseTo(3600 - 1500, 6);
  });

  it('drains a backlog at the spare rate and ages it as it goes', () => {
    const q = new FluidQueue(60);
    q.step(0, 10, 100, 0); // 1,000 units queue up with nobody serving
    expect(q.backlog).toBe(1000);
    expect(q.oldestAge(10)).toBe(10);
    q.step(10, 10, 0, 50); // 500 served
    expect(q.backlog).toBe(500);
    expect(q.oldestAge(20)).toBeCloseTo(15, 6);
    q.step(20, 10, 0, 50);
    expect(q.backlog).toBe(0);
    // Unit x arrived at x/100 and left at 10 + x/50: waits 10 + x/100, from 10 s to 20 s.
    expect(q.delays.percentile(50)).toBeCloseTo(15, 6);
    expect(q.delays.max).toBeCloseTo(20, 6);
  });
});

describe('DelayHistogram', () => {
  it('spreads waits of many hours over its wide buckets without stalling', async () => {
    const { DelayHistogram } = await import('./delay-histogram.js');
    const h = new DelayHistogram();
    for (let k = 0; k < 2000; k++) h.add(1, 3600 + k * 37.3, 3600 + k * 37.3 + 12.7);
    expect(h.max).toBeCloseTo(3600 + 1999 * 37.3 + 12.7, 6);
    expect(h.percentile(50)).toBeGreaterThan(3600 + 900 * 37.3);
    expect(h.percentile(50)).toBeLessThan(3600 + 1100 * 37.3);
  });
});
