import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import type { Clock } from '../../clock/clock.js';
import { EnvironmentsSchema, envTemplates, type EnvironmentsConfig } from '../../config/environments-schema.js';
import { quotaRefusal } from './quota-check.js';
import { instantiate } from '../../domain/environments/instantiate.js';
import { formatDuration } from '../../domain/environments/duration.js';
import { usage, type UsageRow } from '../../domain/environments/usage.js';
import { ENV_ACTIVE, ENV_LIVE, WARM_OWNER, type EnvTemplate, type Environment } from '../../domain/environments/types.js';
import type { IdleSignals } from '../../domain/environments/idle.js';
import { envIdleSignals, SHOWN_IDLE_POLICY } from './idle-signals.js';
import { outputsOf } from './outputs.js';
import type { Template } from '../../domain/types.js';
import type { EnvironmentsPort, Store } from '../../store/store.js';

/** Who asks: the token's name, and whether its role may act on everyone's environments. */
export interface EnvCaller {
  name: string;
  all: boolean;
}

/** A refusal the API maps to its error catalog; `kind` picks the status. */
export class EnvError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface CreateEnvInput {
  name: string;
  template: string;
  params?: Record<string, string> | undefined;
  ttlMs?: number | undefined;
}

/** Progress of one role, read from its pool's machines. */
export interface RoleView {
  name: string;
  pool: string;
  count: number;
  ready: number;
  machines: { id: string; state: string }[];
}

/**
 * Why a running environment is (not) idle: its agents' signals, and when it stops if the
 * template stops idle ones (`autoStop`). Absent while the environment is not running.
 */
export interface IdleView extends IdleSignals {
  autoStop: boolean;
  afterMs?: number | undefined;
  maxCpu: number;
  since?: number | undefined;
  stopsAt?: number | undefined;
}

export type EnvView = Environment & { roleStatus: RoleView[]; idle?: IdleView | undefined };

/**
 * What the API does with environments: checks, then writes the environment and its pools in
 * one transaction. It never calls a provider: the controller launches and terminates, and the
 * environment reconciler moves statuses, so an API process crashing mid-request leaves either
 * nothing or a whole environment the reconciler carries on with.
 */
export class EnvService {
  /** The environments section of the applied text it was read from (see `config`). */
  private parsed: { source: string; config: EnvironmentsConfig } | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  get repo(): EnvironmentsPort {
    return this.store.environments;
  }

  /**
   * The last applied flotte.yaml's `environments:` section (validated when it was applied). Parsed
   * once per applied text: every create, release and reconcile asks, and parsing the YAML was
   * most of their cost.
   */
  async config(): Promise<EnvironmentsConfig> {
    const cfg = await this.store.currentConfig();
    const source = cfg?.source ?? '';
    if (this.parsed?.source !== source) {
      const raw = cfg ? (parse(source) as { environments?: unknown } | null)?.environments : undefined;
      this.parsed = { source, config: EnvironmentsSchema.parse(raw ?? {}) };
    }
    return this.parsed.config;
  }

  async templates(): Promise<Map<string, EnvTemplate>> {
    return envTemplates(await this.config());
  }

  async create(caller: EnvCaller, input: CreateEnvInput): Promise<Environment> {
    const cfg = await this.config();
    const tpl = envTemplates(cfg).get(input.template);
    if (!tpl) throw new EnvError('not-found', `environment template "${input.template}" does not exist`);
    const fleet = new Map<string, Template>();
    for (const role of tpl.roles) {
      const t = await this.store.getTemplate(role.template);
      if (t) fleet.set(t.name, t);
    }
    const sized = tpl.roles.map((r) => ({ count: r.count, size: fleet.get(r.template)?.sizes[0] ?? '' }));
    // Everything the admission reads besides environments, read before it: it holds the only SQLite connection.
    const templates = await this.fleetTemplates(cfg);
    const warm = await this.warmCandidates(caller, input, tpl);
    const now = this.clock.now();
    const id = randomBytes(4).toString('hex');
    const made = instantiate(tpl, { id, name: input.name, owner: caller.name, params: input.params ?? {}, ttlMs: input.ttlMs }, fleet, now);
    // Checked before anything is written, one request at a time: a refused request leaves no trace but its answer.
    const admitted = await this.repo.admit(async (repo) => {
      const mine = await repo.list({ owner: caller.name, statuses: [...ENV_ACTIVE] });
      if (mine.some((e) => e.name === input.name)) throw new EnvError('conflict', `you already have an environment named "${input.name}"`);
      const refusal = await quotaRefusal({ getTemplate: (name) => Promise.resolve(templates.get(name)) }, cfg, caller.name, sized, await repo.list({ statuses: [...ENV_ACTIVE] }));
      if (refusal && 'missing' in refusal) throw new EnvError('invalid', `size "${refusal.missing}" has no entry in environments.sizes, so vCPU and memory quotas cannot count it`);
      if (refusal) throw new EnvError('conflict', refusal.message, { quota: refusal });
      for (const w of warm) if (await repo.claim(w, WARM_OWNER)) return { env: w, warm: true };
      if (!made.ok) throw new EnvError('invalid', made.problems.join('; '), { problems: made.problems });
      await repo.create(made.env, made.pools, now);
      return { env: made.env, warm: false };
    });
    const { env } = admitted;
    const message = admitted.warm ? `${caller.name} took warm ${env.id} as ${input.name} from ${tpl.name} v${tpl.version}` : `${caller.name} created ${input.name} from ${tpl.name} v${tpl.version}`;
    await this.store.appendEvents([{ at: now, pool: `env:${env.id}`, reason: 'EnvCreated', message, data: { env: env.id, ...(admitted.warm ? { warm: true } : {}) } }]);
    return env;
  }

  /** The fleet templates quotas may need to size: those of the config's environment templates and of every live environment. */
  private async fleetTemplates(cfg: EnvironmentsConfig): Promise<Map<string, Template>> {
    const names = new Set(Object.values(cfg.templates).flatMap((t) => Object.values(t.roles).map((r) => r.template)));
    for (const e of await this.repo.list({ statuses: [...ENV_ACTIVE] })) for (const r of e.roles) names.add(r.template);
    const out = new Map<string, Template>();
    for (const name of names) {
      const t = await this.store.getTemplate(name);
      if (t) out.set(name, t);
    }
    return out;
  }

  /**
   * Ready warm environments a request may be handed (it asks nothing a warm one lacks: default
   * params, the current template version), as they would be once claimed; the admission claims
   * the first still free, and the reconciler then makes a replacement.
   */
  private async warmCandidates(caller: EnvCaller, input: CreateEnvInput, tpl: EnvTemplate): Promise<Environment[]> {
    if (tpl.warm === 0) return [];
    if (Object.entries(input.params ?? {}).some(([k, v]) => tpl.params.find((p) => p.name === k)?.default !== v)) return [];
    const now = this.clock.now();
    const ttlMs = input.ttlMs ?? tpl.defaultTtlMs;
    if (ttlMs > tpl.maxTtlMs) return [];
    const warm = (await this.repo.list({ owner: WARM_OWNER, statuses: ['ready'] })).filter((e) => e.template === tpl.name && e.templateVersion === tpl.version);
    const out: Environment[] = [];
    for (const w of warm.reverse()) {
      const mine: Environment = { ...w, owner: caller.name, name: input.name, createdAt: w.createdAt, expiresAt: now + ttlMs, warnedAt: undefined };
      mine.outputs = await outputsOf(this.store, mine, tpl.outputs);
      out.push(mine);
    }
    return out;
  }

  /** Makes one warm environment of `tpl` (default params, owner WARM_OWNER, living the template's maxTtl). */
  async makeWarm(tpl: EnvTemplate): Promise<Environment | undefined> {
    const fleet = new Map<string, Template>();
    for (const role of tpl.roles) {
      const t = await this.store.getTemplate(role.template);
      if (t) fleet.set(t.name, t);
    }
    const now = this.clock.now();
    const id = randomBytes(4).toString('hex');
    const made = instantiate(tpl, { id, name: `warm-${id}`, owner: WARM_OWNER, params: {}, ttlMs: tpl.maxTtlMs }, fleet, now);
    if (!made.ok) return undefined;
    await this.repo.create(made.env, made.pools, now);
    return made.env;
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

  async view(env: Environment): Promise<EnvView> {
    const roleStatus: RoleView[] = [];
    for (const r of env.roles) {
      const machines = ENV_ACTIVE.has(env.status) ? await this.store.listMachines({ pool: r.pool }) : [];
      roleStatus.push({ name: r.name, pool: r.pool, count: r.count, ready: machines.filter((m) => m.state === 'ready').length, machines: machines.map((m) => ({ id: m.id, state: m.state })) });
    }
    return { ...env, roleStatus, ...(env.status === 'ready' || env.status === 'starting' ? { idle: await this.idleView(env) } : {}) };
  }

  private async idleView(env: Environment): Promise<IdleView> {
    const policy = (await this.templates()).get(env.template)?.idle;
    const signals = await envIdleSignals(this.store, env, policy ?? SHOWN_IDLE_POLICY, this.clock.now());
    const since = signals.idle ? env.idleSince : undefined;
    return {
      ...signals,
      autoStop: policy !== undefined && env.owner !== WARM_OWNER,
      afterMs: policy?.afterMs,
      maxCpu: (policy ?? SHOWN_IDLE_POLICY).maxCpu,
      since,
      stopsAt: policy && since !== undefined ? since + policy.afterMs : undefined,
    };
  }

  /**
   * Stops an environment: its pools are suspended, so the controller stops every machine
   * (disks kept) and replaces none. Idempotent; `flotte env start` wakes it.
   */
  async stop(caller: EnvCaller, id: string): Promise<Environment> {
    const env = await this.get(caller, id);
    if (env.status === 'stopped') return env;
    if (env.status !== 'ready' && env.status !== 'starting') throw new EnvError('conflict', `environment ${env.name} is ${env.status}: only a ready or starting environment can be stopped`);
    return (await this.markStopped(env, `stopped by ${caller.name}`)) ?? this.stop(caller, id);
  }

  /** The stop itself, for the API and the idle reaper; undefined when the status moved meanwhile. */
  async markStopped(env: Environment, reason: string): Promise<Environment | undefined> {
    const next: Environment = { ...env, status: 'stopped', reason, idleSince: undefined };
    if (!(await this.repo.updateSuspending(next, env.status, true))) return undefined;
    await this.store.appendEvents([{ at: this.clock.now(), pool: `env:${env.id}`, reason: 'EnvStopped', message: `${env.name} of ${env.owner} stopped: ${reason} (flotte env start ${env.id} wakes it)`, data: { env: env.id } }]);
    return next;
  }

  /** Wakes a stopped environment: the same machines are started, and it is `ready` once all are. Idempotent. */
  async start(caller: EnvCaller, id: string): Promise<Environment> {
    const env = await this.get(caller, id);
    if (env.status === 'ready' || env.status === 'starting') return env;
    if (env.status !== 'stopped') throw new EnvError('conflict', `environment ${env.name} is ${env.status}: only a stopped environment can be started`);
    const next: Environment = { ...env, status: 'starting', reason: `started by ${caller.name}`, idleSince: undefined };
    if (!(await this.repo.updateSuspending(next, 'stopped', false))) return this.start(caller, id);
    await this.store.appendEvents([{ at: this.clock.now(), pool: `env:${id}`, reason: 'EnvStarting', message: `${caller.name} started ${env.name}: its machines are booting again`, data: { env: id } }]);
    return next;
  }

  /** Pushes the expiry back by `byMs`, up to the template's longest life; clears the warning. */
  async extend(caller: EnvCaller, id: string, byMs: number): Promise<Environment> {
    const env = await this.get(caller, id);
    if (!ENV_LIVE.has(env.status)) throw new EnvError('conflict', `environment ${env.name} is ${env.status}: only a live one can be extended`);
    const maxTtlMs = (await this.templates()).get(env.template)?.maxTtlMs;
    const expiresAt = env.expiresAt + byMs;
    if (maxTtlMs !== undefined && expiresAt - env.createdAt > maxTtlMs) {
      throw new EnvError('invalid', `template ${env.template} lets an environment live ${formatDuration(maxTtlMs)} at most; ${env.name} may be extended by ${formatDuration(Math.max(0, env.createdAt + maxTtlMs - env.expiresAt))} more`);
    }
    const next: Environment = { ...env, expiresAt, warnedAt: undefined };
    if (!(await this.repo.update(next, env.status))) return this.extend(caller, id, byMs);
    await this.store.appendEvents([{ at: this.clock.now(), pool: `env:${id}`, reason: 'EnvExtended', message: `${caller.name} extended ${env.name} to ${new Date(expiresAt).toISOString()}`, data: { env: id } }]);
    return next;
  }

  /** Machine-hours and cost per user and team; callers without `all` see their own rows only. */
  async usage(caller: EnvCaller, window: { from: number; to: number }): Promise<UsageRow[]> {
    const cfg = await this.config();
    const envs = await this.repo.list();
    const sizeOf = new Map<string, string>();
    for (const e of envs) for (const r of e.roles) if (!sizeOf.has(r.template)) sizeOf.set(r.template, (await this.store.getTemplate(r.template))?.sizes[0] ?? '?');
    const teams = Object.fromEntries(Object.entries(cfg.quotas.teams).map(([t, v]) => [t, v.members]));
    const rows = usage({ envs, sizeOf, prices: cfg.prices, teams, ...window });
    return caller.all ? rows : rows.filter((r) => r.scope === `user ${caller.name}`);
  }

  /** Starts the release; the reconciler removes the pools once the controller has emptied them. */
  async destroy(caller: EnvCaller, id: string): Promise<Environment> {
    const env = await this.get(caller, id);
    if (env.status === 'destroying' || env.status === 'destroyed' || env.status === 'failing' || env.status === 'failed') return env;
    const next: Environment = { ...env, status: 'destroying', reason: `destroyed by ${caller.name}` };
    if (!(await this.repo.update(next, env.status))) return this.get(caller, id);
    await this.repo.release(env.roles.map((r) => r.pool));
    await this.store.appendEvents([{ at: this.clock.now(), pool: `env:${id}`, reason: 'EnvDestroying', message: next.reason!, data: { env: id } }]);
    return next;
  }
}
