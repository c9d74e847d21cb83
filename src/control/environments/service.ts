import type { Clock } from '../../clock/clock.js';
import { appliedEnvironments } from '../../config/applied.js';
import type { EnvSizes, EnvironmentSettings } from '../../domain/environments/settings.js';
import { usage, type UsageBy, type UsageRow } from '../../domain/environments/usage.js';
import { ENV_ACTIVE, type EnvStopCause, type EnvTemplate, type Environment } from '../../domain/environments/types.js';
import type { EnvironmentsPort } from '../../store/ports.js';
import type { Connection } from '../../domain/environments/connect.js';
import { admit, makeWarm } from './admission.js';
import { connection, type ConnectRequest } from './connect.js';
import { EnvError, templatesOf, type CreateEnvInput, type EnvCaller, type EnvContext, type EnvStore } from './model.js';
import { destroy, extend, markStopped, start, stop } from './transitions.js';
import { viewOf, type EnvView } from './views.js';

export { EnvError, type CreateEnvInput, type EnvCaller } from './model.js';
export type { EnvView, IdleView, RoleView } from './views.js';

/**
 * What the API does with environments: checks, then writes the environment and its pools in
 * one transaction. It never calls a provider: the controller launches and terminates, and the
 * environment reconciler moves statuses, so an API process crashing mid-request leaves either
 * nothing or a whole environment the reconciler carries on with. The work itself is in
 * admission.ts (create), transitions.ts (stop, start, extend, destroy) and views.ts.
 */
export class EnvService implements EnvContext {
  constructor(
    readonly store: EnvStore,
    readonly clock: Clock,
    /** Sizes the clouds describe (src/compose/size-catalog.ts); the config's `environments.sizes` wins over them. */
    private readonly cloudSizes?: () => Promise<EnvSizes>,
  ) {}

  get repo(): EnvironmentsPort {
    return this.store.environments;
  }

  /** The last applied flotte.yaml's `environments:` section, as typed when it was applied. */
  async settings(): Promise<EnvironmentSettings> {
    const applied = appliedEnvironments(await this.store.currentConfig());
    return this.cloudSizes ? { ...applied, sizes: { ...(await this.cloudSizes()), ...applied.sizes } } : applied;
  }

  async templates(): Promise<Map<string, EnvTemplate>> {
    return templatesOf(await this.settings());
  }

  create(caller: EnvCaller, input: CreateEnvInput): Promise<Environment> {
    return admit(this, caller, input);
  }

  makeWarm(tpl: EnvTemplate): Promise<Environment | undefined> {
    return makeWarm(this, tpl);
  }

  /** The caller's environments (everyone's with `all`), ended ones only when asked. */
  async list(caller: EnvCaller, opts: { everyone?: boolean; ended?: boolean } = {}): Promise<Environment[]> {
    const owner = caller.all && opts.everyone ? undefined : caller.name;
    return this.repo.list({ owner, statuses: opts.ended ? undefined : [...ENV_ACTIVE] });
  }

  /** Another owner's environment is "not found", not "forbidden": its existence is not the caller's to know. */
  async get(caller: EnvCaller, id: string): Promise<Environment> {
    const env = await this.repo.get(id);
    if (!env || (env.owner !== caller.name && !caller.all)) throw new EnvError('not-found', `environment "${id}" does not exist`);
    return env;
  }

  view(env: Environment): Promise<EnvView> {
    return viewOf(this, env);
  }

  stop(caller: EnvCaller, id: string): Promise<Environment> {
    return stop(this, caller, id);
  }

  markStopped(env: Environment, reason: string, by: EnvStopCause): Promise<Environment | undefined> {
    return markStopped(this, env, reason, by);
  }

  start(caller: EnvCaller, id: string): Promise<Environment> {
    return start(this, caller, id);
  }

  extend(caller: EnvCaller, id: string, byMs: number): Promise<Environment> {
    return extend(this, caller, id, byMs);
  }

  destroy(caller: EnvCaller, id: string): Promise<Environment> {
    return destroy(this, caller, id);
  }

  /** The way into the first ready machine of a role (the first role when none is named). */
  connect(caller: EnvCaller, ask: ConnectRequest): Promise<Connection> {
    return connection(this, caller, ask);
  }

  /**
   * Machine-hours and cost over [from, to), grouped by `by` (users and teams when not given).
   * Callers without `all` count their own environments only, and see their user row alone by default.
   */
  async usage(caller: EnvCaller, window: { from: number; to: number }, by?: UsageBy): Promise<UsageRow[]> {
    const cfg = await this.settings();
    const envs = (await this.repo.list()).filter((e) => caller.all || e.owner === caller.name);
    const sizeOf = new Map<string, string>();
    for (const e of envs) for (const r of e.roles) if (!sizeOf.has(r.template)) sizeOf.set(r.template, (await this.store.getTemplate(r.template))?.sizes[0] ?? '?');
    const teams = Object.fromEntries(Object.entries(cfg.quotas.teams).map(([t, v]) => [t, v.members]));
    const stoppedPrice = Object.fromEntries(cfg.templates.map((t) => [t.name, t.stoppedPrice ?? 0]));
    const grouping: UsageBy[] = by ? [by] : caller.all ? ['user', 'team'] : ['user'];
    return usage({ envs, sizeOf, prices: cfg.prices, teams, stoppedPrice, by: grouping, now: this.clock.now(), ...window });
  }
}
