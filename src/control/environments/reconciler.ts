import type { Logger } from 'pino';
import type { Clock } from '../../clock/clock.js';
import { outputsOf } from './outputs.js';
import { ENV_LIVE, WARM_OWNER, type EnvTemplate, type Environment } from '../../domain/environments/types.js';
import { idleStep } from '../../domain/environments/idle.js';
import { envIdleSignals } from './idle-signals.js';
import type { FleetEvent } from '../../domain/types.js';
import { formatDuration } from '../../domain/environments/duration.js';
import type { EnvironmentsPort, IntentsPort } from '../../store/ports.js';
import { ENV_EXPIRY_WARNING_MS, ENV_RECONCILE_MS, WARM_RETRY_MS } from './constants.js';
import type { EnvStore } from './model.js';
import { EnvService } from './service.js';
import { envReadiness } from './readiness.js';
import { scheduleStep } from './schedule-step.js';
import { warmWanted } from '../../domain/environments/schedule.js';

export interface EnvReconcilerDeps {
  store: EnvStore & IntentsPort;
  clock: Clock;
  log: Logger;
  /** Current templates, for outputs (the service reads them from the applied config). */
  templates: () => Promise<Map<string, EnvTemplate>>;
}

/**
 * Level-triggered like the controller: each tick reads every unfinished environment and its
 * pools' machines and moves the status. Creation succeeds when every role has all its machines
 * `ready` and, for a role with a readiness check, each machine's agent reports it passing
 * (readiness.ts); it fails on the first LaunchFailed of one of its pools or when a role outlives
 * its ready timeout, and then releases every pool. Releasing is scaling the pools to zero (the
 * controller terminates) and removing them once no machine and no open launch is left.
 * Writes are compare-and-set on the status, so several controllers may run it at once.
 */
export class EnvReconciler {
  private readonly repo: EnvironmentsPort;
  private readonly service: EnvService;

  constructor(private readonly deps: EnvReconcilerDeps) {
    this.repo = deps.store.environments;
    this.service = new EnvService(deps.store, deps.clock);
  }

  async tick(): Promise<void> {
    for (const env of await this.repo.list({ statuses: ['creating', 'ready', 'stopped', 'starting', 'destroying', 'failing'] })) {
      try {
        if (ENV_LIVE.has(env.status)) {
          if (await this.expiry(env)) continue;
          if (await scheduleStep(this.service, env)) continue;
        }
        if (env.status === 'creating') await this.creating(env);
        else if (env.status === 'ready') await this.idle(env);
        // Level-triggered: a stop or wake interrupted between its status write and the pools' is completed here.
        else if (env.status === 'stopped') await this.repo.suspend(env.roles.map((r) => r.pool), true);
        else if (env.status === 'starting') await this.starting(env);
        else await this.releasing(env);
      } catch (e) {
        this.deps.log.error({ err: e, env: env.id }, 'environment reconcile failed');
      }
    }
    try {
      await this.replenish();
    } catch (e) {
      this.deps.log.error({ err: e }, 'warm pool replenish failed');
    }
  }

  /** Tops each template's warm pool up to its `warm` count (none at night: schedule.ts), pausing a template whose warm creation just failed. */
  private async replenish(): Promise<void> {
    const now = this.deps.clock.now();
    const warm = await this.repo.list({ owner: WARM_OWNER });
    for (const tpl of (await this.deps.templates()).values()) {
      const wanted = warmWanted(tpl, now);
      if (wanted === 0) continue;
      const mine = warm.filter((e) => e.template === tpl.name && e.templateVersion === tpl.version);
      if (mine.some((e) => (e.status === 'failing' || e.status === 'failed') && e.createdAt > now - WARM_RETRY_MS)) continue;
      const live = mine.filter((e) => e.status === 'creating' || e.status === 'ready').length;
      for (let i = live; i < wanted; i++) await this.service.makeWarm(tpl);
    }
  }

  async run(signal: AbortSignal, intervalMs = ENV_RECONCILE_MS): Promise<void> {
    while (!signal.aborted) {
      await this.tick();
      await this.deps.clock.sleep(intervalMs, signal).catch(() => undefined);
    }
  }

  private async creating(env: Environment): Promise<void> {
    const { store, clock } = this.deps;
    const now = clock.now();
    for (const r of env.roles) {
      const failed = (await store.listEvents({ pool: r.pool })).find((e) => e.reason === 'LaunchFailed' && e.at >= env.createdAt);
      if (failed) return this.fail(env, `role ${r.name}: ${failed.message}`);
    }
    const verdict = await envReadiness(store, env, now, now - env.createdAt);
    if (verdict.kind === 'failed') return this.fail(env, verdict.reason);
    if (verdict.kind === 'waiting') return;
    const tpl = (await this.deps.templates()).get(env.template);
    const outputs = await outputsOf(store, env, tpl?.outputs ?? {});
    const next: Environment = { ...env, status: 'ready', readyAt: now, outputs };
    if (await this.repo.update(next, 'creating')) await this.event(env, 'EnvReady', `${env.name} ready in ${formatDuration(now - env.createdAt)}`);
  }

  /**
   * Idle stop: a ready environment whose template has an idle policy is stopped once every
   * agent has looked idle (no busy work, no session, low CPU) at every look for the window.
   * Warm environments wait idle by design and are never stopped.
   */
  private async idle(env: Environment): Promise<void> {
    const policy = (await this.deps.templates()).get(env.template)?.idle;
    if (!policy || env.owner === WARM_OWNER) return;
    const now = this.deps.clock.now();
    const step = idleStep(await envIdleSignals(this.deps.store, env, policy, now), env.idleSince, policy, now);
    if (step.kind === 'stop') {
      await this.service.markStopped(env, step.reason, 'idle');
      return;
    }
    const since = step.kind === 'idle' ? step.since : undefined;
    if (since !== env.idleSince) await this.repo.update({ ...env, idleSince: since }, 'ready');
  }

  /** A woken environment is ready again once every role has all its machines ready and its checks passing; a wake has no deadline. */
  private async starting(env: Environment): Promise<void> {
    const { store } = this.deps;
    await this.repo.suspend(env.roles.map((r) => r.pool), false);
    if ((await envReadiness(store, env, this.deps.clock.now(), 0)).kind !== 'ready') return;
    const tpl = (await this.deps.templates()).get(env.template);
    const outputs = await outputsOf(store, env, tpl?.outputs ?? {});
    const next: Environment = { ...env, status: 'ready', reason: undefined, outputs, idleSince: undefined };
    if (await this.repo.update(next, 'starting')) await this.event(env, 'EnvReady', `${env.name} is ready again: every machine started`);
  }

  /** The TTL reaper: warns once, `ENV_EXPIRY_WARNING_MS` ahead, then destroys on time. True when it destroyed. */
  private async expiry(env: Environment): Promise<boolean> {
    const now = this.deps.clock.now();
    if (now >= env.expiresAt) {
      const next: Environment = { ...env, status: 'destroying', reason: `expired: its TTL ended at ${new Date(env.expiresAt).toISOString()}` };
      if (!(await this.repo.update(next, env.status))) return true;
      await this.repo.release(env.roles.map((r) => r.pool));
      await this.event(env, 'EnvExpired', `${env.name} of ${env.owner} ${next.reason}; destroying it`);
      return true;
    }
    if (now >= env.expiresAt - ENV_EXPIRY_WARNING_MS && env.warnedAt === undefined) {
      if (await this.repo.update({ ...env, warnedAt: now }, env.status)) {
        env.warnedAt = now; // so this tick's later write of the same row keeps it
        await this.event(env, 'EnvExpiring', `${env.name} of ${env.owner} will be destroyed in ${formatDuration(env.expiresAt - now)}, at ${new Date(env.expiresAt).toISOString()} (flotte env extend ${env.id} --by 4h keeps it)`);
      }
    }
    return false;
  }

  private async fail(env: Environment, reason: string): Promise<void> {
    const next: Environment = { ...env, status: 'failing', reason };
    if (!(await this.repo.update(next, 'creating'))) return;
    await this.repo.release(env.roles.map((r) => r.pool));
    await this.event(env, 'EnvFailed', `${env.name} failed, releasing its machines: ${reason}`);
  }

  private async releasing(env: Environment): Promise<void> {
    const { store, clock } = this.deps;
    const pools = env.roles.map((r) => r.pool);
    // Idempotent: a release interrupted between the status write and the scale-down completes here.
    await this.repo.release(pools);
    for (const pool of pools) {
      if ((await store.listMachines({ pool })).length > 0) return;
      if ((await store.listIntents({ pool, status: 'open' })).length > 0) return;
    }
    await this.repo.deletePools(pools);
    const ended: Environment = { ...env, status: env.status === 'failing' ? 'failed' : 'destroyed', endedAt: clock.now() };
    if (await this.repo.update(ended, env.status)) await this.event(env, 'EnvDestroyed', `${env.name}: every machine released`);
  }

  private async event(env: Environment, reason: FleetEvent['reason'], message: string): Promise<void> {
    await this.deps.store.appendEvents([{ at: this.deps.clock.now(), pool: `env:${env.id}`, reason, message, data: { env: env.id } }]);
  }
}

/** The reconciler as a process runs it, until `signal` aborts: called by the composition root (src/compose/control-plane.ts). */
export function runEnvironments(deps: Omit<EnvReconcilerDeps, 'templates'> & { clock: Clock }, signal: AbortSignal): Promise<void> {
  const service = new EnvService(deps.store, deps.clock);
  return new EnvReconciler({ ...deps, templates: () => service.templates() }).run(signal);
}
