import { describe, expect, it } from 'vitest';
import { endStop, isNight, lastFiring, nextFiring, openStop, scheduleAction, scheduleOf, warmWanted, type EnvSchedule } from './schedule.js';
import { WARM_OWNER, type EnvTemplate, type Environment } from './types.js';

const Z = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;
const PARIS: EnvSchedule = { timezone: 'Europe/Paris', autostart: '30 8 * * 1-5', autostop: '0 20 * * *', dormancy: { afterMs: 14 * DAY, warningMs: 2 * DAY } };
const tpl: EnvTemplate = {
  name: 'stack',
  version: 1,
  roles: [{ name: 'web', template: 'small', count: 2, readyTimeoutMs: 10 * 60_000 }, { name: 'db', template: 'dbbox', count: 1, readyTimeoutMs: 15 * 60_000 }],
  params: [],
  outputs: {},
  defaultTtlMs: 30 * DAY,
  maxTtlMs: 60 * DAY,
  warm: 2,
  schedule: PARIS,
};
const env = (over: Partial<Environment>): Environment => ({
  id: 'e1',
  name: 'mine',
  owner: 'alice',
  template: 'stack',
  templateVersion: 1,
  params: {},
  roles: [],
  status: 'ready',
  outputs: {},
  createdAt: Z('2026-10-19T07:00:00Z'),
  readyAt: Z('2026-10-19T07:05:00Z'),
  expiresAt: Z('2026-12-01T00:00:00Z'),
  ...over,
});

describe('cron firings in the schedule’s time zone', () => {
  it('follow Paris across the October daylight-saving change: 08:30 is 06:30Z before, 07:30Z after', () => {
    expect(nextFiring(PARIS.autostart!, PARIS.timezone, Z('2026-10-23T00:00:00Z'))).toBe(Z('2026-10-23T06:30:00Z'));
    expect(nextFiring(PARIS.autostart!, PARIS.timezone, Z('2026-10-23T06:30:00Z'))).toBe(Z('2026-10-26T07:30:00Z')); // Friday → Monday, clocks back on Sunday
    expect(lastFiring(PARIS.autostop!, PARIS.timezone, Z('2026-10-25T18:59:59Z'))).toBe(Z('2026-10-24T18:00:00Z'));
    expect(lastFiring(PARIS.autostop!, PARIS.timezone, Z('2026-10-25T19:00:00Z'))).toBe(Z('2026-10-25T19:00:00Z')); // a firing at now counts
  });

  it('and across the March one: 20:00 is 19:00Z before, 18:00Z after', () => {
    expect(nextFiring(PARIS.autostop!, PARIS.timezone, Z('2027-03-27T12:00:00Z'))).toBe(Z('2027-03-27T19:00:00Z'));
    expect(nextFiring(PARIS.autostop!, PARIS.timezone, Z('2027-03-27T19:00:00Z'))).toBe(Z('2027-03-28T18:00:00Z'));
  });

  it('night is from autostop to the next autostart, weekends included; none without both ends', () => {
    expect(isNight(PARIS, Z('2026-10-22T17:59:00Z'))).toBe(false); // Thursday 19:59 in Paris
    expect(isNight(PARIS, Z('2026-10-22T18:00:00Z'))).toBe(true);
    expect(isNight(PARIS, Z('2026-10-24T12:00:00Z'))).toBe(true); // Saturday noon
    expect(isNight(PARIS, Z('2026-10-26T07:29:00Z'))).toBe(true);
    expect(isNight(PARIS, Z('2026-10-26T07:30:00Z'))).toBe(false);
    expect(isNight({ timezone: 'UTC', autostop: '0 20 * * *' }, Z('2026-10-24T12:00:00Z'))).toBe(false);
    expect(isNight({ timezone: 'Europe/Paris', autostart: '30 8 * * 1-5' }, Z('2026-10-24T12:00:00Z'))).toBe(false);
  });

  it('an autostop at the same minute as an autostart does not make night: night needs the stop to come after the start', () => {
    // Weekday starts at 08:00, and a Saturday 08:00 stop that coincides with Saturday's start.
    const clash: EnvSchedule = { timezone: 'Europe/Paris', autostart: '0 8 * * *', autostop: '0 8 * * 6' };
    expect(isNight(clash, Z('2026-10-24T06:00:00Z'))).toBe(false);
    expect(isNight(clash, Z('2026-10-24T12:00:00Z'))).toBe(false);
  });
});

describe('a user’s schedule over the template’s', () => {
  it('replaces the fields it names and keeps the others; none when neither has one', () => {
    expect(scheduleOf(PARIS, { timezone: 'America/New_York', autostart: undefined })).toEqual({ ...PARIS, timezone: 'America/New_York' });
    expect(scheduleOf(undefined, { autostop: '0 18 * * *' })).toEqual({ timezone: 'UTC', autostop: '0 18 * * *' });
    expect(scheduleOf(undefined, undefined)).toBeUndefined();
  });
});

describe('the warm pool follows the schedule', () => {
  it('is empty at night and full one creation time (the longest ready timeout, 15 min) before autostart', () => {
    expect(warmWanted(tpl, Z('2026-10-22T17:59:00Z'))).toBe(2);
    expect(warmWanted(tpl, Z('2026-10-22T18:00:00Z'))).toBe(0);
    expect(warmWanted(tpl, Z('2026-10-26T07:14:59Z'))).toBe(0);
    expect(warmWanted(tpl, Z('2026-10-26T07:15:00Z'))).toBe(2);
    expect(warmWanted({ ...tpl, schedule: undefined }, Z('2026-10-24T12:00:00Z'))).toBe(2);
  });

  it('releases ready warm environments at night and never stops them', () => {
    const warm = env({ owner: WARM_OWNER });
    expect(scheduleAction(tpl, PARIS, warm, Z('2026-10-22T18:00:00Z'))).toEqual({ kind: 'release-warm', reason: 'the warm pool of stack is empty at night (autostop 0 20 * * *, Europe/Paris)' });
    expect(scheduleAction(tpl, PARIS, warm, Z('2026-10-26T07:15:00Z'))).toBeUndefined();
    expect(scheduleAction(tpl, PARIS, { ...warm, status: 'creating' }, Z('2026-10-22T18:00:00Z'))).toBeUndefined();
  });

  it('a warm pool turned off (warm: 0) releases its ready environments at any hour, saying that, not night, is why', () => {
    const warm = env({ owner: WARM_OWNER });
    const off = { ...tpl, warm: 0 };
    expect(scheduleAction(off, PARIS, warm, Z('2026-10-22T10:00:00Z'))).toEqual({ kind: 'release-warm', reason: 'the warm pool of stack is turned off (warm: 0)' });
    expect(scheduleAction({ ...off, schedule: undefined }, undefined, warm, Z('2026-10-22T10:00:00Z'))).toEqual({ kind: 'release-warm', reason: 'the warm pool of stack is turned off (warm: 0)' });
  });
});

describe('the stop an environment is in', () => {
  const from = Z('2026-10-23T18:00:00Z');
  const woke = Z('2026-10-26T07:30:00Z');

  it('is its last stop while that has no end; one that was woken is in none', () => {
    const open = { from, by: 'schedule' as const };
    expect(openStop({ stops: [{ from: Z('2026-10-22T18:00:00Z'), to: Z('2026-10-23T06:30:00Z'), by: 'schedule' }, open] })).toBe(open);
    expect(openStop({ stops: [{ from, to: woke, by: 'schedule' }] })).toBeUndefined();
    expect(openStop({})).toBeUndefined();
  });

  it('a wake ends the open stop at its time and leaves the earlier ones as they were', () => {
    const earlier = { from: Z('2026-10-22T18:00:00Z'), to: Z('2026-10-23T06:30:00Z'), by: 'schedule' as const };
    expect(endStop([earlier, { from, by: 'idle', destroyAt: from + 14 * DAY }], woke)).toEqual([earlier, { from, to: woke, by: 'idle', destroyAt: from + 14 * DAY }]);
    expect(endStop(undefined, woke)).toBeUndefined();
  });
});

describe('autostop and autostart', () => {
  it('stops a ready environment at autostop, and still when the tick comes late', () => {
    const e = env({});
    expect(scheduleAction(tpl, PARIS, e, Z('2026-10-19T17:59:59Z'))).toBeUndefined();
    expect(scheduleAction(tpl, PARIS, e, Z('2026-10-19T18:00:00Z'))).toEqual({ kind: 'stop', reason: 'autostop 0 20 * * * (Europe/Paris) at 2026-10-19T18:00:00.000Z' });
    expect(scheduleAction(tpl, PARIS, e, Z('2026-10-20T03:00:00Z'))).toMatchObject({ kind: 'stop' });
  });

  it('leaves one started after autostop running until the next one', () => {
    const lateStart = env({ stops: [{ from: Z('2026-10-19T18:00:00Z'), to: Z('2026-10-19T19:30:00Z'), by: 'schedule' }] });
    expect(scheduleAction(tpl, PARIS, lateStart, Z('2026-10-19T22:00:00Z'))).toBeUndefined();
    expect(scheduleAction(tpl, PARIS, lateStart, Z('2026-10-20T18:00:00Z'))).toMatchObject({ kind: 'stop' });
    const claimedAtNight = env({ readyAt: Z('2026-10-19T21:00:00Z') });
    expect(scheduleAction(tpl, PARIS, claimedAtNight, Z('2026-10-19T22:00:00Z'))).toBeUndefined();
  });

  it('leaves running one its owner woke at the very moment of autostop: it started at, not before, that stop', () => {
    const wokeAtStop = env({ stops: [{ from: Z('2026-10-18T18:00:00Z'), to: Z('2026-10-19T18:00:00Z'), by: 'schedule' }] });
    expect(scheduleAction(tpl, PARIS, wokeAtStop, Z('2026-10-19T18:05:00Z'))).toBeUndefined();
  });

  it('does not stop in the morning a ready environment a controller down overnight finds', () => {
    expect(scheduleAction(tpl, PARIS, env({}), Z('2026-10-20T07:00:00Z'))).toBeUndefined();
  });

  const stopped = (by: 'owner' | 'idle' | 'schedule', from = Z('2026-10-23T18:00:00Z')): Environment => env({ status: 'stopped', stops: [{ from, by }] });

  it('wakes what the schedule or idle stop stopped at the next autostart (Monday after the change: 07:30Z), even on a late tick', () => {
    expect(scheduleAction(tpl, PARIS, stopped('schedule'), Z('2026-10-26T07:29:59Z'))).toMatchObject({ kind: 'dormancy-due' });
    expect(scheduleAction(tpl, PARIS, stopped('schedule'), Z('2026-10-26T07:30:00Z'))).toEqual({ kind: 'wake', reason: 'autostart 30 8 * * 1-5 (Europe/Paris) at 2026-10-26T07:30:00.000Z' });
    expect(scheduleAction(tpl, PARIS, stopped('idle'), Z('2026-10-26T11:00:00Z'))).toMatchObject({ kind: 'wake' });
  });

  it('keeps stopped what its owner stopped, and what was stopped after the last autostart', () => {
    expect(scheduleAction(tpl, PARIS, stopped('owner'), Z('2026-10-26T07:30:00Z'))).toMatchObject({ kind: 'dormancy-due' });
    expect(scheduleAction(tpl, PARIS, stopped('idle', Z('2026-10-26T09:00:00Z')), Z('2026-10-26T11:00:00Z'))).toMatchObject({ kind: 'dormancy-due' });
  });

  it('keeps stopped one idle stop stopped at the very moment of autostart: it stopped at, not before, that start', () => {
    expect(scheduleAction(tpl, PARIS, stopped('idle', Z('2026-10-26T07:30:00Z')), Z('2026-10-26T11:00:00Z'))).toMatchObject({ kind: 'dormancy-due' });
  });

  it('with an autostart and no autostop there is no night: what idle stop stopped wakes at the next autostart', () => {
    const mornings: EnvSchedule = { timezone: 'Europe/Paris', autostart: '30 8 * * 1-5' };
    const idle = stopped('idle', Z('2026-10-23T15:00:00Z'));
    expect(scheduleAction(tpl, mornings, idle, Z('2026-10-26T07:29:00Z'))).toBeUndefined();
    expect(scheduleAction(tpl, mornings, idle, Z('2026-10-26T07:30:00Z'))).toEqual({ kind: 'wake', reason: 'autostart 30 8 * * 1-5 (Europe/Paris) at 2026-10-26T07:30:00.000Z' });
  });

  it('without dormancy, one its owner stopped stays stopped with no time set to destroy it', () => {
    const noDormancy: EnvSchedule = { timezone: 'Europe/Paris', autostart: '30 8 * * 1-5', autostop: '0 20 * * *' };
    expect(scheduleAction(tpl, noDormancy, stopped('owner'), Z('2026-12-07T09:30:00Z'))).toBeUndefined();
  });

  it('does not wake at night one a controller down all day finds', () => {
    expect(scheduleAction(tpl, PARIS, stopped('schedule'), Z('2026-10-26T20:00:00Z'))).toMatchObject({ kind: 'dormancy-due' });
  });

  it('records a stop for an environment stopped before stops were recorded, so dormancy has a start', () => {
    expect(scheduleAction(tpl, PARIS, env({ status: 'stopped' }), Z('2026-10-26T07:30:00Z'))).toEqual({ kind: 'record-stop' });
  });
});

describe('dormancy', () => {
  const from = Z('2026-10-20T10:00:00Z');
  const destroyAt = from + 14 * DAY;
  const dormant = (extra = {}) => env({ status: 'stopped', stops: [{ from, by: 'owner', ...extra }] });

  it('shows the time, warns once `warning` ahead, then destroys; in absolute time, whatever the clocks do', () => {
    expect(scheduleAction(tpl, PARIS, dormant(), from + DAY)).toEqual({ kind: 'dormancy-due', destroyAt });
    expect(scheduleAction(tpl, PARIS, dormant({ destroyAt }), from + DAY)).toBeUndefined();
    expect(scheduleAction(tpl, PARIS, dormant({ destroyAt }), destroyAt - 2 * DAY - 1)).toBeUndefined();
    expect(scheduleAction(tpl, PARIS, dormant({ destroyAt }), destroyAt - 2 * DAY)).toEqual({
      kind: 'dormancy-warn',
      destroyAt,
      message: 'mine of alice stopped since 2026-10-20T10:00:00.000Z: destroyed at 2026-11-03T10:00:00.000Z unless started before (flotte env start e1)',
    });
    expect(scheduleAction(tpl, PARIS, dormant({ destroyAt, warnedAt: destroyAt - 2 * DAY }), destroyAt - 1)).toBeUndefined();
    expect(scheduleAction(tpl, PARIS, dormant({ destroyAt, warnedAt: destroyAt - 2 * DAY }), destroyAt)).toEqual({ kind: 'dormancy-destroy', reason: 'dormant: stopped since 2026-10-20T10:00:00.000Z, 14d or more' });
  });

  it('follows a changed schedule: a new `after` moves the time shown', () => {
    const shorter = { ...PARIS, dormancy: { afterMs: 7 * DAY, warningMs: DAY } };
    expect(scheduleAction(tpl, shorter, dormant({ destroyAt }), from + DAY)).toEqual({ kind: 'dormancy-due', destroyAt: from + 7 * DAY });
  });

  it('does nothing without a schedule', () => {
    expect(scheduleAction(tpl, undefined, dormant(), from + 30 * DAY)).toBeUndefined();
  });
});
