import { CronExpressionParser } from 'cron-parser';
import { formatDuration } from './duration.js';
import { WARM_OWNER, type EnvStop, type EnvTemplate, type Environment } from './types.js';

/**
 * When an environment template's environments run: `autostart` wakes the ones the schedule or
 * idle stop stopped, `autostop` stops running ones, both cron expressions read in `timezone`
 * (so a daylight-saving change moves them in UTC, as it moves people). Between an autostop and
 * the next autostart is the night: the warm pool is empty then, and full again one creation
 * time (the longest role's ready timeout) before the morning. `dormancy` destroys an
 * environment left stopped `afterMs`, with a warning event `warningMs` before.
 */
export interface EnvSchedule {
  timezone: string;
  autostart?: string | undefined;
  autostop?: string | undefined;
  dormancy?: { afterMs: number; warningMs: number } | undefined;
}

/** A user's schedule in the settings: any field it gives replaces the template's. */
export type ScheduleOverride = Partial<EnvSchedule>;

/** The schedule an owner's environment follows: the template's, with the owner's fields over it; undefined when neither has one. */
export function scheduleOf(template: EnvSchedule | undefined, user: ScheduleOverride | undefined): EnvSchedule | undefined {
  if (!template && !user) return undefined;
  const defined = Object.fromEntries(Object.entries(user ?? {}).filter(([, v]) => v !== undefined));
  return { timezone: 'UTC', ...template, ...defined };
}

/** The latest firing at or before `now` (a firing exactly at `now` counts). */
export function lastFiring(cron: string, timezone: string, now: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(now + 1), tz: timezone }).prev().getTime();
}

/** The first firing after `now`. */
export function nextFiring(cron: string, timezone: string, now: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(now), tz: timezone }).next().getTime();
}

/** Night: the schedule has both ends and the latest autostop came after the latest autostart. */
export function isNight(s: EnvSchedule, now: number): boolean {
  if (!s.autostart || !s.autostop) return false;
  return lastFiring(s.autostop, s.timezone, now) > lastFiring(s.autostart, s.timezone, now);
}

/** How many warm environments `tpl` wants now: its `warm` count, except at night and not yet one creation time before autostart. */
export function warmWanted(tpl: EnvTemplate, now: number): number {
  const s = tpl.schedule;
  if (tpl.warm === 0 || !s?.autostart || !isNight(s, now)) return tpl.warm;
  const leadMs = Math.max(...tpl.roles.map((r) => r.readyTimeoutMs));
  return nextFiring(s.autostart, s.timezone, now) - now <= leadMs ? tpl.warm : 0;
}

/** The stop an environment is in: the last one, while it has no end. */
export const openStop = (env: Pick<Environment, 'stops'>): EnvStop | undefined => {
  const last = env.stops?.at(-1);
  return last && last.to === undefined ? last : undefined;
};

/** The stops with the open one ended at `now`, for a wake. */
export const endStop = (stops: readonly EnvStop[] | undefined, now: number): EnvStop[] | undefined => stops?.map((s) => (s.to === undefined ? { ...s, to: now } : s));

/** Since when an environment has been running for its owner: its last wake, else when it was ready (a warm one: when it was handed over). */
const runningSince = (env: Environment): number => Math.max(env.readyAt ?? env.createdAt, env.stops?.at(-1)?.to ?? 0);

export type ScheduleAction =
  | { kind: 'wake'; reason: string }
  | { kind: 'stop'; reason: string }
  /** A stopped environment without a recorded stop (stopped before migration 0017): dormancy counts from now. */
  | { kind: 'record-stop' }
  /** Keep the open stop's `destroyAt` in step with the schedule, so that `env list` shows it. */
  | { kind: 'dormancy-due'; destroyAt: number }
  | { kind: 'dormancy-warn'; destroyAt: number; message: string }
  | { kind: 'dormancy-destroy'; reason: string }
  | { kind: 'release-warm'; reason: string };

const iso = (t: number) => new Date(t).toISOString();

/**
 * What the schedule does to one environment at `now`, level-triggered: each rule compares the
 * latest cron firing with what the environment records (when it stopped, when it last started),
 * not with the tick's minute, so a late tick still acts and a repeated one does nothing more.
 * - autostop stops a ready environment that has run since before the latest autostop (one its
 *   owner started after hours keeps running until the next); at night only, when there is an autostart.
 * - autostart wakes an environment stopped by the schedule or by idle stop before the latest
 *   autostart, unless it is night again. One its owner stopped stays stopped: that was a
 *   decision, and what dormancy reaps.
 * - warm environments are never stopped: at night they are released, and made again before the morning.
 */
export function scheduleAction(tpl: EnvTemplate, s: EnvSchedule | undefined, env: Environment, now: number): ScheduleAction | undefined {
  if (env.owner === WARM_OWNER) {
    if (env.status !== 'ready' || warmWanted(tpl, now) > 0) return undefined;
    // A template whose warm count was set to 0 wants none at any hour: that, not the night, is why.
    const why = tpl.warm === 0 ? 'turned off (warm: 0)' : `empty at night (autostop ${s?.autostop}, ${s?.timezone})`;
    return { kind: 'release-warm', reason: `the warm pool of ${tpl.name} is ${why}` };
  }
  if (!s) return undefined;
  if (env.status === 'ready' && s.autostop) {
    const at = lastFiring(s.autostop, s.timezone, now);
    if (at > runningSince(env) && (!s.autostart || isNight(s, now))) return { kind: 'stop', reason: `autostop ${s.autostop} (${s.timezone}) at ${iso(at)}` };
  }
  if (env.status !== 'stopped') return undefined;
  const stop = openStop(env);
  if (!stop) return { kind: 'record-stop' };
  if (s.autostart && stop.by !== 'owner') {
    const at = lastFiring(s.autostart, s.timezone, now);
    if (at > stop.from && !isNight(s, now)) return { kind: 'wake', reason: `autostart ${s.autostart} (${s.timezone}) at ${iso(at)}` };
  }
  if (!s.dormancy) return undefined;
  const destroyAt = stop.from + s.dormancy.afterMs;
  if (now >= destroyAt) return { kind: 'dormancy-destroy', reason: `dormant: stopped since ${iso(stop.from)}, ${formatDuration(s.dormancy.afterMs)} or more` };
  if (now >= destroyAt - s.dormancy.warningMs && stop.warnedAt === undefined) {
    return { kind: 'dormancy-warn', destroyAt, message: `${env.name} of ${env.owner} stopped since ${iso(stop.from)}: destroyed at ${iso(destroyAt)} unless started before (flotte env start ${env.id})` };
  }
  return stop.destroyAt === destroyAt ? undefined : { kind: 'dormancy-due', destroyAt };
}
