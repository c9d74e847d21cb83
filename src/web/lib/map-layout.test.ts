import { describe, expect, it } from 'vitest';
import { cellAt, cellOrigin, layoutMap } from './map-layout.js';

describe('machine map layout', () => {
  it('fits 2,000 machines in a 1,200 px wide map with cells still big enough to hover', () => {
    const l = layoutMap(2000, 1200);
    expect(l.cols * l.rows).toBeGreaterThanOrEqual(2000);
    expect(l.width).toBeLessThanOrEqual(1200);
    expect(l.cell).toBeGreaterThanOrEqual(8);
    expect(l.height).toBeLessThanOrEqual(1200);
  });

  it('uses big cells for a small pool', () => {
    expect(layoutMap(20, 1200).cell).toBe(22);
  });

  it('stays usable on a phone-width screen', () => {
    const l = layoutMap(2000, 340);
    expect(l.width).toBeLessThanOrEqual(340);
    expect(l.cell).toBe(8);
  });

  it('finds the machine under the pointer, and none in the gaps or past the end', () => {
    const l = layoutMap(50, 400);
    for (const i of [0, 7, 49]) {
      const o = cellOrigin(l, i);
      expect(cellAt(l, 50, o.x + 1, o.y + 1)).toBe(i);
    }
    const last = cellOrigin(l, 49);
    expect(cellAt(l, 50, last.x + l.cell + l.gap + 1, last.y + 1)).toBe(-1);
    expect(cellAt(l, 50, -1, 3)).toBe(-1);
  });
});
