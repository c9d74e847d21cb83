import { describe, expect, it } from 'vitest';
import { LIFETIME_SPREAD, lifetimeDueAt } from './lifetime.js';

const DAY = 86_400_000;

describe('maxLifetime', () => {
  it('machines launched in one burst fall due spread over a tenth of the lifetime, never after it', () => {
    const launchedAt = Date.parse('2026-12-01T09:00:00Z');
    const due = Array.from({ length: 200 }, (_, i) => lifetimeDueAt({ id: `i-0${(0x5f3a9c + i * 7919).toString(16)}`, launchedAt }, 7 * DAY));
    for (const d of due) {
      expect(d).toBeLessThanOrEqual(launchedAt + 7 * DAY);
      expect(d).toBeGreaterThan(launchedAt + 7 * DAY - LIFETIME_SPREAD * 7 * DAY);
    }
    const span = Math.max(...due) - Math.min(...due);
    expect(span).toBeGreaterThan(0.8 * LIFETIME_SPREAD * 7 * DAY);
    // No hour of the spread takes more than a few of the 200.
    const perHour = new Map<number, number>();
    for (const d of due) perHour.set(Math.floor(d / 3_600_000), (perHour.get(Math.floor(d / 3_600_000)) ?? 0) + 1);
    expect(Math.max(...perHour.values())).toBeLessThan(30);
  });

  it('is the same on every controller and after a restart: it depends on the id alone', () => {
    const m = { id: 'i-0abc123', launchedAt: 1_765_000_000_000 };
    expect(lifetimeDueAt(m, DAY)).toBe(lifetimeDueAt({ ...m }, DAY));
  });

  it('places each id by 32-bit FNV-1a, so controllers of every release agree on a due time', () => {
    // FNV-1a's published test values: "a" hashes to 0xe40c292c, "foobar" to 0xbf9cf968.
    const launchedAt = Date.parse('2026-12-01T09:00:00Z');
    const spreadMs = LIFETIME_SPREAD * 7 * DAY;
    expect(lifetimeDueAt({ id: 'a', launchedAt }, 7 * DAY)).toBe(launchedAt + 7 * DAY - Math.floor((0xe40c292c / 2 ** 32) * spreadMs));
    expect(lifetimeDueAt({ id: 'foobar', launchedAt }, 7 * DAY)).toBe(launchedAt + 7 * DAY - Math.floor((0xbf9cf968 / 2 ** 32) * spreadMs));
  });
});
