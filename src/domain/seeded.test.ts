import { describe, expect, it } from 'vitest';
import { assign, weight } from './assignment.js';
import { Random } from './random.js';

// A seed replays a run exactly, also across releases, and controllers of two releases side by
// side during an upgrade must agree on who owns what: these values are a contract.
describe('seeded values that must not change between releases', () => {
  it('the generator draws the same numbers for seed 42', () => {
    const r = new Random(42);
    expect([r.next(), r.next(), r.next()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    expect(new Random(42).int(1000)).toBe(601);
  });

  it('the ownership weights and the assignment of seven pools to three controllers', () => {
    expect(weight('c0', 'pool-1')).toBe(1178767814);
    expect(weight('c1', 'pool-1')).toBe(2194477578);
    const pools = Array.from({ length: 7 }, (_, i) => `pool-${i}`);
    const want = [['pool-0', 'c1'], ['pool-1', 'c1'], ['pool-2', 'c0'], ['pool-3', 'c1'], ['pool-4', 'c0'], ['pool-5', 'c2'], ['pool-6', 'c2']];
    expect([...assign(pools, ['c0', 'c1', 'c2'])]).toEqual(want);
    // Listed in another order, with a duplicate: the same answer, keys in name order.
    expect([...assign([...pools].reverse().concat('pool-3'), ['c2', 'c1', 'c0', 'c1'])]).toEqual(want);
  });
});

describe('Random edges', () => {
  it('an empty range gives its lower end without using up a draw', () => {
    const a = new Random(9);
    expect(a.uniform(5, 5)).toBe(5);
    expect(a.uniform(5, 3)).toBe(5);
    expect(a.next()).toBe(new Random(9).next());
  });

  it('no events at a rate of zero or below', () => {
    expect(new Random(9).exponential(0)).toBe(Number.POSITIVE_INFINITY);
    expect(new Random(9).exponential(-0.001)).toBe(Number.POSITIVE_INFINITY);
  });
});
