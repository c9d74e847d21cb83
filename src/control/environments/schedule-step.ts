import { scheduleAction, scheduleOf, type ScheduleAction } from '../../domain/environments/schedule.js';
import { WARM_OWNER, type EnvStop, type Environment } from '../../domain/environments/types.js';
import type { EventReason } from '../../domain/types.js';
import type { EnvContext } from './model.js';
import { markStarting, markStopped } from './transitions.js';

/**
 * The reconciler's schedule step for one environment (decisions in domain/environments/schedule.ts):
 * wakes, stops, dormancy and the warm pool's night. Every write is a compare-and-set on the status
 * just read, so a second controller, or this one after a restart, finds the work done and does
 * nothing twice. True when the environment's status moved (the tick leaves it for the next look).
 */
export async function scheduleStep(ctx: EnvContext, env: Environment): Promise<boolean> {
  const settings = await ctx.settings();
  const tpl = settings.templates.find((t) => t.name === env.template);
  if (!tpl) return false;
  const schedule = scheduleOf(tpl.schedule, env.owner === WARM_OWNER ? undefined : settings.users?.[env.owner]?.schedule);
  const action = scheduleAction(tpl, schedule, env, ctx.clock.now());
  return action ? apply(ctx, env, action) : false;
}

async function apply(ctx: EnvContext, env: Environment, a: ScheduleAction): Promise<boolean> {
  const repo = ctx.store.environments;
  const now = ctx.clock.now();
  switch (a.kind) {
    case 'stop':
      return (await markStopped(ctx, env, a.reason, 'schedule')) !== undefined;
    case 'wake':
      return (await markStarting(ctx, env, { reason: a.reason, event: 'EnvScheduledStart', message: `${env.name} of ${env.owner} woken by the schedule: ${a.reason}` })) !== undefined;
    case 'record-stop':
      await repo.update({ ...env, stops: [...(env.stops ?? []), { from: now, by: 'owner' }] }, 'stopped');
      return false;
    case 'dormancy-due':
      await repo.update(withOpenStop(env, { destroyAt: a.destroyAt }), 'stopped');
      return false;
    case 'dormancy-warn':
      if (await repo.update(withOpenStop(env, { destroyAt: a.destroyAt, warnedAt: now }), 'stopped')) await event(ctx, env, 'EnvDormant', a.message);
      return false;
    case 'dormancy-destroy':
      return release(ctx, env, { reason: a.reason, event: 'EnvDormancyExpired', write: () => repo.update({ ...env, status: 'destroying', reason: a.reason }, 'stopped') });
    case 'release-warm':
      // claim() is the compare-and-set on owner and status: a warm one handed to someone meanwhile is theirs, not released.
      return release(ctx, env, { reason: a.reason, event: 'EnvWarmReleased', write: () => repo.claim({ ...env, status: 'destroying', reason: a.reason }, WARM_OWNER) });
  }
}

const withOpenStop = (env: Environment, change: Partial<EnvStop>): Environment => ({ ...env, stops: env.stops?.map((s) => (s.to === undefined ? { ...s, ...change } : s)) });

/** Destroys through `write` (the compare-and-set), then releases the pools: the reconciler's releasing step finishes, as for a TTL. */
async function release(ctx: EnvContext, env: Environment, end: { reason: string; event: EventReason; write: () => Promise<boolean> }): Promise<boolean> {
  if (!(await end.write())) return false;
  await ctx.store.environments.release(env.roles.map((r) => r.pool));
  await event(ctx, env, end.event, `${env.name}: ${end.reason}; destroying it`);
  return true;
}

async function event(ctx: EnvContext, env: Environment, reason: EventReason, message: string): Promise<void> {
  await ctx.store.appendEvents([{ at: ctx.clock.now(), pool: `env:${env.id}`, reason, message, data: { env: env.id } }]);
}
