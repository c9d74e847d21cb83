import { describe, expect, it } from 'vitest';
import { assign } from './assignment.js';

const pools = (n: number) => Array.from({ length: n }, (_, i) => `pool-${i}`);
const loads = (a: Map<string, string>) => {
  const out: Record<string, number> = {};
  for (const owner of a.values()) out[owner] = (out[owner] ?? 0) + 1;
  return out;
};

describe('assign (rendezvous hashing with bounded loads)', () => {
  it('gives every key exactly one owner, spread within one of even', () => {
    for (const [keys, members] of [[10, 3], [30, 3], [7, 2], [100, 7], [3, 5]] as const) {
      const a = assign(pools(keys), Array.from({ length: members }, (_, i) => `c${i}`));
      expect(a.size).toBe(keys);
      const l = Object.values(loads(a));
      expect(Math.max(...l) - Math.min(...(l.length < members ? [0] : l))).toBeLessThanOrEqual(1);
    }
  });

  it('does not depend on the order members or keys are listed in', () => {
    const a = assign(pools(10), ['c0', 'c1', 'c2']);
    const b = assign(pools(10).reverse(), ['c2', 'c0', 'c1']);
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  it('when a member dies, only its keys and a few for balance move', () => {
    const before = assign(pools(30), ['c0', 'c1', 'c2']);
    const after = assign(pools(30), ['c0', 'c2']);
    const moved = [...after].filter(([k, o]) => before.get(k) !== o).map(([k]) => k);
    const orphaned = [...before].filter(([, o]) => o === 'c1').map(([k]) => k);
    expect(moved).toEqual(expect.arrayContaining(orphaned));
    expect(moved.length).toBeLessThanOrEqual(orphaned.length + 4);
  });

  it('no members, no owners', () => {
    expect(assign(pools(3), []).size).toBe(0);
  });
});
