import { formatDuration } from '../../domain/environments/duration.js';
import { endStop } from '../../domain/environments/schedule.js';
import { ENV_LIVE, type EnvStopCause, type Environment } from '../../domain/environments/types.js';
import { EnvError, type EnvCaller, type EnvContext } from './model.js';

/*
 * What people do to an environment they have: stop, start, extend, destroy. Each write is a
 * compare-and-set on the status read just before; when another writer moved it meanwhile, the
 * request is made again on what is stored now.
 */

/**
 * Stops an environment: its pools are suspended, so the controller stops every machine
 * (disks kept) and replaces none. Idempotent; `flotte env start` wakes it.
 */
export async function stop(ctx: EnvContext, caller: EnvCaller, id: string): Promise<Environment> {
  const env = await ctx.get(caller, id);
  if (env.status === 'stopped') return env;
  if (env.status !== 'ready' && env.status !== 'starting') throw new EnvError('conflict', `environment ${env.name} is ${env.status}: only a ready or starting environment can be stopped`);
  return (await markStopped(ctx, env, `stopped by ${caller.name}`, 'owner')) ?? stop(ctx, caller, id);
}

/**
 * The stop itself, for the API, the idle reaper and the schedule; undefined when the status
 * moved meanwhile. The stop is recorded in the same write: schedules and dormancy read it.
 */
export async function markStopped(ctx: EnvContext, env: Environment, reason: string, by: EnvStopCause): Promise<Environment | undefined> {
  const now = ctx.clock.now();
  const next: Environment = { ...env, status: 'stopped', reason, idleSince: undefined, stops: [...(env.stops ?? []), { from: now, by }] };
  if (!(await ctx.store.environments.updateSuspending(next, env.status, true))) return undefined;
  const event = by === 'schedule' ? 'EnvScheduledStop' : 'EnvStopped';
  await ctx.store.appendEvents([{ at: now, pool: `env:${env.id}`, reason: event, message: `${env.name} of ${env.owner} stopped: ${reason} (flotte env start ${env.id} wakes it)`, data: { env: env.id, by } }]);
  return next;
}

/** The wake itself, for the API and the schedule: ends the open stop; undefined when the status moved meanwhile. */
export async function markStarting(ctx: EnvContext, env: Environment, wake: { reason: string; event: 'EnvStarting' | 'EnvScheduledStart'; message: string }): Promise<Environment | undefined> {
  const next: Environment = { ...env, status: 'starting', reason: wake.reason, idleSince: undefined, stops: endStop(env.stops, ctx.clock.now()) };
  if (!(await ctx.store.environments.updateSuspending(next, 'stopped', false))) return undefined;
  await ctx.store.appendEvents([{ at: ctx.clock.now(), pool: `env:${env.id}`, reason: wake.event, message: wake.message, data: { env: env.id } }]);
  return next;
}

/** Wakes a stopped environment: the same machines are started, and it is `ready` once all are. Idempotent. */
export async function start(ctx: EnvContext, caller: EnvCaller, id: string): Promise<Environment> {
  const env = await ctx.get(caller, id);
  if (env.status === 'ready' || env.status === 'starting') return env;
  if (env.status !== 'stopped') throw new EnvError('conflict', `environment ${env.name} is ${env.status}: only a stopped environment can be started`);
  const wake = { reason: `started by ${caller.name}`, event: 'EnvStarting' as const, message: `${caller.name} started ${env.name}: its machines are booting again` };
  return (await markStarting(ctx, env, wake)) ?? start(ctx, caller, id);
}

/** Pushes the expiry back by `byMs`, up to the template's longest life; clears the warning. */
export async function extend(ctx: EnvContext, caller: EnvCaller, id: string, byMs: number): Promise<Environment> {
  const env = await ctx.get(caller, id);
  if (!ENV_LIVE.has(env.status)) throw new EnvError('conflict', `environment ${env.name} is ${env.status}: only a live one can be extended`);
  const maxTtlMs = (await ctx.templates()).get(env.template)?.maxTtlMs;
  const expiresAt = env.expiresAt + byMs;
  if (maxTtlMs !== undefined && expiresAt - env.createdAt > maxTtlMs) {
    throw new EnvError('invalid', `template ${env.template} lets an environment live ${formatDuration(maxTtlMs)} at most; ${env.name} may be extended by ${formatDuration(Math.max(0, env.createdAt + maxTtlMs - env.expiresAt))} more`);
  }
  const next: Environment = { ...env, expiresAt, warnedAt: undefined };
  if (!(await ctx.store.environments.update(next, env.status))) return extend(ctx, caller, id, byMs);
  await ctx.store.appendEvents([{ at: ctx.clock.now(), pool: `env:${id}`, reason: 'EnvExtended', message: `${caller.name} extended ${env.name} to ${new Date(expiresAt).toISOString()}`, data: { env: id } }]);
  return next;
}

/** Starts the release; the reconciler removes the pools once the controller has emptied them. */
export async function destroy(ctx: EnvContext, caller: EnvCaller, id: string): Promise<Environment> {
  const env = await ctx.get(caller, id);
  if (env.status === 'destroying' || env.status === 'destroyed' || env.status === 'failing' || env.status === 'failed') return env;
  const next: Environment = { ...env, status: 'destroying', reason: `destroyed by ${caller.name}` };
  if (!(await ctx.store.environments.update(next, env.status))) return ctx.get(caller, id);
  await ctx.store.environments.release(env.roles.map((r) => r.pool));
  await ctx.store.appendEvents([{ at: ctx.clock.now(), pool: `env:${id}`, reason: 'EnvDestroying', message: next.reason!, data: { env: id } }]);
  return next;
}
