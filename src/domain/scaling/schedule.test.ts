import { describe, expect, it } from 'vitest';
import { scheduleOpenedAt } from './schedule.js';

const MON = (h: number, m = 0) => Date.UTC(2026, 0, 5, h, m); // Monday 5 January 2026, UTC (Paris = UTC+1)

describe('scheduleOpenedAt: cron in a time zone, for a duration', () => {
  const cases: [string, number, number | undefined][] = [
    ['06:59 UTC is 07:59 in Paris: not yet', MON(6, 59), undefined],
    ['07:00 UTC is 08:00 in Paris: it fires', MON(7), MON(7)],
    ['16:59 UTC: still inside the 10 h period', MON(16, 59), MON(7)],
    ['17:00 UTC: the period is over', MON(17), undefined],
  ];
  for (const [name, now, want] of cases) {
    it(name, () => expect(scheduleOpenedAt('0 8 * * 1-5', 'Europe/Paris', 10 * 3600, now)).toBe(want));
  }
  it('a weekday schedule is off on Sunday', () => {
    expect(scheduleOpenedAt('0 8 * * 1-5', 'Europe/Paris', 10 * 3600, Date.UTC(2026, 0, 4, 9))).toBeUndefined();
  });
});
