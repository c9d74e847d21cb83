import { CronExpressionParser } from 'cron-parser';

/**
 * Whether a schedule's period is on at `now`: the cron fired (in `timezone`) less than
 * `durationSeconds` ago. cron-parser is pure computation, so this stays a pure function.
 * Returns the firing time that opened the period, or undefined.
 */
export function scheduleOpenedAt(cron: string, timezone: string, durationSeconds: number, now: number): number | undefined {
  // prev() is strictly before currentDate; a firing exactly at `now` counts, hence +1 ms.
  const expr = CronExpressionParser.parse(cron, { currentDate: new Date(now + 1), tz: timezone });
  const fired = expr.prev().getTime();
  return now - fired < durationSeconds * 1000 ? fired : undefined;
}

/** Throws, saying what is wrong, when the expression or the time zone is invalid. */
export function checkSchedule(cron: string, timezone: string): void {
  // cron-parser reads fewer fields leniently; a schedule that means something else is worse than an error.
  const fields = cron.trim().split(/\s+/).length;
  if (fields !== 5) throw new Error(`"${cron}" has ${fields} fields, not 5 (minute hour day-of-month month day-of-week)`);
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new Error(`unknown time zone "${timezone}"`);
  }
  CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(0) }).prev();
}
