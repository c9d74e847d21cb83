import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/clock/virtual-clock.js';
import { WARM_OWNER, type Environment } from '../src/domain/environments/types.js';
import { ENV_YAML, envHarness, type EnvHarness } from './support/environments.js';
import { environments } from './support/wiring.js';

/**
 * A week of the stack template on a schedule, on the virtual clock: weekdays 08:30 to 20:00 in
 * Paris, across the night of Sunday 25 October 2026 when Paris goes from UTC+2 to UTC+1 (08:30
 * is 06:30Z before, 07:30Z after), one warm environment, dormancy after 4 days with a day's warning.
 */
const SCHEDULE_YAML = ENV_YAML.replace(
  '      ttl: 8h\n',
  `      ttl: 30d
      maxTtl: 60d
      warm: 1
      schedule:
        timezone: Europe/Paris
        autostart: "30 8 * * 1-5"
        autostop: "0 20 * * *"
        dormancy: { after: 4d, warning: 1d }
`,
);
const Z = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const STEP = 15 * 60_000;
const SCHEDULED = new Set(['EnvScheduledStop', 'EnvScheduledStart', 'EnvDormant', 'EnvDormancyExpired', 'EnvWarmReleased']);

let eh: EnvHarness;
afterEach(async () => eh?.h.close());

const SETTLING = ['creating', 'starting', 'destroying', 'failing'] as const;

/** The reconciler first, so that its writes carry the look's time (the controller's tick moves the virtual clock a little). */
async function tick(): Promise<void> {
  await eh.reconciler.tick();
  await eh.h.runTick();
}

/**
 * Controller and reconciler on every quarter hour of virtual time until `end` (`skip` leaves some
 * looks out, as a stalled controller would); while an environment is on its way somewhere, every
 * 5 s as in production, but never past the next quarter hour, so each firing is first seen on one.
 */
async function runUntil(end: number, skip: (t: number) => boolean = () => false): Promise<void> {
  while (eh.h.clock.now() < end) {
    await eh.h.clock.advanceTo((Math.floor(eh.h.clock.now() / STEP) + 1) * STEP);
    if (skip(eh.h.clock.now())) continue;
    await look();
  }
}

/** One look on a quarter hour, then one every 5 s while an environment is settling, up to the next quarter. */
async function look(): Promise<void> {
  const quarter = eh.h.clock.now();
  await tick();
  while ((await eh.service.repo.list({ statuses: [...SETTLING] })).length > 0 && eh.h.clock.now() + 5_000 < quarter + STEP) {
    await eh.h.clock.advance(5_000);
    await tick();
  }
}

const scheduleEvents = async (env: Environment) => (await eh.h.store.listEvents({ pool: `env:${env.id}` })).filter((e) => SCHEDULED.has(e.reason)).map((e) => [e.reason, iso(e.at)]);
const machinesOf = (env: Environment) => eh.h.sim.all().filter((m) => env.roles.some((r) => r.pool === m.tags['flotte:pool']));
const reasons = async (env: Environment) => (await eh.h.store.listEvents({ pool: `env:${env.id}` })).map((e) => e.reason);

describe('schedules on the virtual clock (Europe/Paris, across the end of summer time)', () => {
  it('stops at 20:00 and wakes at 08:30 on weekdays, fills the warm pool before the morning and empties it at night, and reaps a dormant environment', async () => {
    eh = await envHarness('', SCHEDULE_YAML, { clock: new VirtualClock(Z('2026-10-22T05:00:00Z')) }); // Thursday, 07:00 in Paris
    const daily = await eh.service.create({ name: 'alice', all: false }, { name: 'daily', template: 'stack' });
    const parked = await eh.service.create({ name: 'bob', all: false }, { name: 'parked', template: 'stack' });
    await look();

    // Bob stops his at 12:00 in Paris: the schedule leaves it stopped, and dormancy counts from then.
    await runUntil(Z('2026-10-22T09:45:00Z'));
    expect((await eh.status(daily.id)).status).toBe('ready');
    await eh.h.clock.advanceTo(Z('2026-10-22T10:00:00Z'));
    expect((await eh.service.stop({ name: 'bob', all: false }, parked.id)).status).toBe('stopped');
    await runUntil(Z('2026-10-22T10:15:00Z'));
    // What `env list` shows: dormancy's time, 4 × 24 h later (in absolute time: the clocks change meanwhile).
    expect((await eh.status(parked.id)).stops).toEqual([{ from: Z('2026-10-22T10:00:00Z'), by: 'owner', destroyAt: Z('2026-10-26T10:00:00Z') }]);

    // Saturday noon: its machines are stopped, not gone.
    await runUntil(Z('2026-10-24T12:00:00Z'));
    expect(machinesOf(daily).map((m) => m.status)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);

    // Tuesday: the 07:30Z look is missed (a stalled controller); the 07:45Z one still wakes.
    await runUntil(Z('2026-10-27T09:00:00Z'), (t) => t === Z('2026-10-27T07:30:00Z'));

    expect(await scheduleEvents(daily)).toEqual([
      ['EnvScheduledStop', '2026-10-22T18:00:00Z'], // Thursday 20:00 in Paris, UTC+2
      ['EnvScheduledStart', '2026-10-23T06:30:00Z'], // Friday 08:30
      ['EnvScheduledStop', '2026-10-23T18:00:00Z'],
      ['EnvScheduledStart', '2026-10-26T07:30:00Z'], // Monday 08:30, UTC+1 now; nothing at the weekend
      ['EnvScheduledStop', '2026-10-26T19:00:00Z'],
      ['EnvScheduledStart', '2026-10-27T07:45:00Z'], // Tuesday: the look at 07:30Z did not happen, the next one wakes
    ]);
    // Each wake ends ready, with the same machines (no new launch).
    expect((await reasons(daily)).filter((r) => r === 'EnvReady')).toHaveLength(4);
    expect(machinesOf(daily).map((m) => m.status)).toEqual(['running', 'running', 'running', 'running']);
    let launched = 0;
    for (const r of daily.roles) launched += (await eh.h.store.listEvents({ pool: r.pool })).filter((e) => e.reason === 'Launched').length;
    expect(launched).toBe(4);
    expect((await eh.status(daily.id)).status).toBe('ready');
    expect((await eh.status(daily.id)).stops?.map((s) => [iso(s.from), s.to && iso(s.to), s.by])).toEqual([
      ['2026-10-22T18:00:00Z', '2026-10-23T06:30:00Z', 'schedule'],
      ['2026-10-23T18:00:00Z', '2026-10-26T07:30:00Z', 'schedule'],
      ['2026-10-26T19:00:00Z', '2026-10-27T07:45:00Z', 'schedule'],
    ]);

    expect(await scheduleEvents(parked)).toEqual([
      ['EnvDormant', '2026-10-25T10:00:00Z'],
      ['EnvDormancyExpired', '2026-10-26T10:00:00Z'],
    ]);
    expect((await eh.status(parked.id)).status).toBe('destroyed');
    expect((await eh.status(parked.id)).reason).toBe('dormant: stopped since 2026-10-22T10:00:00.000Z, 4d or more');
    const warning = (await eh.h.store.listEvents({ pool: `env:${parked.id}` })).find((e) => e.reason === 'EnvDormant');
    expect(warning?.message).toBe(`parked of bob stopped since 2026-10-22T10:00:00.000Z: destroyed at 2026-10-26T10:00:00.000Z unless started before (flotte env start ${parked.id})`);
    expect(eh.live(parked)).toBe(0);

    // The warm pool: made one ready timeout (15 min) before each autostart, released at each autostop.
    const warm = (await eh.service.repo.list({ owner: WARM_OWNER })).sort((a, b) => a.createdAt - b.createdAt);
    expect(warm.map((w) => iso(w.createdAt))).toEqual(['2026-10-22T06:15:00Z', '2026-10-23T06:15:00Z', '2026-10-26T07:15:00Z', '2026-10-27T07:15:00Z']);
    const released = [];
    for (const w of warm) released.push(...(await scheduleEvents(w)));
    expect(released).toEqual([
      ['EnvWarmReleased', '2026-10-22T18:00:00Z'],
      ['EnvWarmReleased', '2026-10-23T18:00:00Z'],
      ['EnvWarmReleased', '2026-10-26T19:00:00Z'],
    ]);
    expect(warm.map((w) => w.status)).toEqual(['destroyed', 'destroyed', 'destroyed', 'ready']);
  }, 120_000);

  it('does not wake twice when two reconcilers (or one restarted) look at the same moment', async () => {
    eh = await envHarness('', SCHEDULE_YAML, { clock: new VirtualClock(Z('2026-10-23T15:00:00Z')) }); // Friday 17:00 in Paris
    const env = await eh.service.create({ name: 'alice', all: false }, { name: 'twice', template: 'stack' });
    await look();
    await runUntil(Z('2026-10-26T07:15:00Z'));
    expect((await eh.status(env.id)).status).toBe('stopped');
    await eh.h.clock.advanceTo(Z('2026-10-26T07:30:00Z'));
    const other = environments(eh.h.store, eh.h.clock).reconciler;
    await Promise.all([eh.reconciler.tick(), other.tick()]);
    await other.tick();
    expect(await scheduleEvents(env)).toEqual([
      ['EnvScheduledStop', '2026-10-23T18:00:00Z'],
      ['EnvScheduledStart', '2026-10-26T07:30:00Z'],
    ]);
    expect((await eh.status(env.id)).stops).toHaveLength(1);
  }, 60_000);
});
