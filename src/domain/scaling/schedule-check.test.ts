import { describe, expect, it } from 'vitest';
import { checkSchedule } from './schedule.js';

describe('checkSchedule: a schedule that means something else is an error', () => {
  it('accepts five fields in a known time zone, however spaced', () => {
    expect(() => checkSchedule('0 8 * * 1-5', 'Europe/Paris')).not.toThrow();
    expect(() => checkSchedule('  0   8 * *\t1-5 ', 'UTC')).not.toThrow();
  });

  it('refuses another number of fields, saying how many and which are expected', () => {
    expect(() => checkSchedule('0 8 * *', 'UTC')).toThrow('"0 8 * *" has 4 fields, not 5 (minute hour day-of-month month day-of-week)');
    expect(() => checkSchedule('0 0 8 * * 1-5', 'UTC')).toThrow('"0 0 8 * * 1-5" has 6 fields, not 5 (minute hour day-of-month month day-of-week)');
  });

  it('refuses an unknown time zone by name', () => {
    expect(() => checkSchedule('0 8 * * 1-5', 'Europe/Atlantis')).toThrow('unknown time zone "Europe/Atlantis"');
  });

  it('refuses a field out of range', () => {
    expect(() => checkSchedule('0 25 * * *', 'UTC')).toThrow();
  });
});
