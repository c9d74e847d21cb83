import { describe, expect, it } from 'vitest';
import { blastBudget, DEFAULT_BLAST_RADIUS, holdBack } from './blast-radius.js';

describe('blastBudget: at most a share of the healthy machines per interval', () => {
  it.each([
    ['200 healthy, none taken: half may go', 200, 0, DEFAULT_BLAST_RADIUS, false, 100],
    ['100 taken this interval, 100 left: the rest of the interval holds', 100, 100, DEFAULT_BLAST_RADIUS, false, 0],
    ['40 taken, 160 left: 60 more', 160, 40, DEFAULT_BLAST_RADIUS, false, 60],
    ['explicitly allowed: no limit', 200, 150, DEFAULT_BLAST_RADIUS, true, Number.POSITIVE_INFINITY],
    ['share 1 turns the guard off', 10, 10, 1, false, Number.POSITIVE_INFINITY],
    ['a pool of one may still shrink to zero', 1, 0, DEFAULT_BLAST_RADIUS, false, 1],
    ['a pool of three: one per interval', 3, 0, 0.3, false, 1],
    ['nothing healthy: one', 0, 0, DEFAULT_BLAST_RADIUS, false, 1],
  ])('%s', (_name, healthy, taken, share, allowed, budget) => {
    expect(blastBudget({ healthy, taken, share, allowed })).toBe(budget);
  });
});

describe('holdBack', () => {
  it('keeps the planner\'s order: the first victims go, the rest wait', () => {
    expect(holdBack(['a', 'b', 'c'], 2)).toEqual({ go: ['a', 'b'], held: ['c'] });
    expect(holdBack(['a', 'b'], Number.POSITIVE_INFINITY)).toEqual({ go: ['a', 'b'], held: [] });
    expect(holdBack(['a'], 0)).toEqual({ go: [], held: ['a'] });
  });
});
