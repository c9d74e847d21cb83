import { describe, expect, it } from 'vitest';
import { appliedEnvironments } from './applied.js';
import { parseConfig } from './load.js';

const config = (schedule: string, users = '') => `
providers: { sim: { type: sim } }
templates: { vm: { provider: sim, image: img-1, size: m5.large } }
environments:
  templates:
    stack:
      roles: { web: { template: vm } }
      stoppedPrice: 0.1
      schedule: ${schedule}
${users}`;

const errors = (text: string) => {
  const r = parseConfig(text, 'f.yaml');
  return r.ok ? [] : r.errors.map((e) => ({ at: `${e.line}:${e.col} ${e.path}`, message: e.message, hint: e.hint }));
};

describe('environment schedules in flotte.yaml', () => {
  it('reads a template schedule (durations in ms, UTC when no zone) and per-user overrides of some fields', () => {
    const r = parseConfig(
      config("{ autostart: '30 8 * * 1-5', autostop: '0 20 * * *', dormancy: { after: 14d, warning: 2d } }", '  users:\n    kenji: { schedule: { timezone: Asia/Tokyo, autostop: "0 19 * * *" } }\n'),
      'f.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const settings = appliedEnvironments(r.applied);
    expect(settings.templates[0]).toMatchObject({ stoppedPrice: 0.1, schedule: { timezone: 'UTC', autostart: '30 8 * * 1-5', autostop: '0 20 * * *', dormancy: { afterMs: 14 * 86_400_000, warningMs: 2 * 86_400_000 } } });
    expect(settings.users).toEqual({ kenji: { schedule: { timezone: 'Asia/Tokyo', autostop: '0 19 * * *' } } });
  });

  it.each([
    ['an unknown time zone', '{ timezone: Europe/Pariss, autostart: "30 8 * * 1-5" }', '9:29 environments.templates.stack.schedule.timezone', 'unknown time zone "Europe/Pariss"', /IANA time zone like Europe\/Paris/],
    ['a cron of six fields', '{ autostart: "0 30 8 * * 1-5" }', '9:30 environments.templates.stack.schedule.autostart', 'invalid cron expression: "0 30 8 * * 1-5" has 6 fields, not 5 (minute hour day-of-month month day-of-week)', /five cron fields/],
    ['a cron out of range', '{ autostop: "0 25 * * *" }', '9:29 environments.templates.stack.schedule.autostop', /^invalid cron expression: /, /five cron fields/],
    ['a warning as long as dormancy', '{ dormancy: { after: 2d, warning: 2d } }', '9:51 environments.templates.stack.schedule.dormancy.warning', 'the warning (2d) must come before the end (after: 2d)', /shorter than after/],
  ])('refuses %s, naming the field and the fix', (_what, schedule, at, message, hint) => {
    const [e, ...more] = errors(config(schedule));
    expect(more).toEqual([]);
    expect(e!.at).toBe(at);
    if (typeof message === 'string') expect(e!.message).toBe(message);
    else expect(e!.message).toMatch(message);
    expect(e!.hint).toMatch(hint);
  });

  it('checks a user’s schedule the same way', () => {
    const [e] = errors(config('{ autostart: "30 8 * * 1-5" }', '  users:\n    kenji: { schedule: { timezone: Mars/Olympus } }\n'));
    expect(e).toMatchObject({ at: '11:36 environments.users.kenji.schedule.timezone', message: 'unknown time zone "Mars/Olympus"' });
  });
});
