import type { IdlePolicy } from './idle.js';
import type { EnvSchedule } from './schedule.js';
import type { ReadinessCheck } from './readiness.js';

/**
 * A developer environment: machines from an environment template, one flotte pool per role,
 * owned by the API token's name. The controller launches, heals and terminates the pools'
 * machines; the environment reconciler only watches them and moves the status.
 *
 *   creating ──all roles ready──► ready ──destroy / TTL──► destroying ──pools empty──► destroyed
 *      │                          │  ▲                          ▲
 *      │          idle / env stop │  │ all roles ready          │ destroy / TTL
 *      │                          ▼  │                          │
 *      │                      stopped ──env start──► starting ──┘
 *      ├──launch failed / timeout──► failing ──pools empty──► failed
 *      └──destroy──────────────────────────────────────────────► destroying
 *
 * Stopped: the pools are suspended, so the controller stops every machine (keeping its disk)
 * and replaces none; starting resumes them and the same machines boot again.
 */
export const ENV_STATUSES = ['creating', 'ready', 'stopped', 'starting', 'destroying', 'destroyed', 'failing', 'failed'] as const;
export type EnvStatus = (typeof ENV_STATUSES)[number];

/** Statuses whose machines exist (running, or stopped with their disks kept): they count against quotas. */
export const ENV_ACTIVE: ReadonlySet<EnvStatus> = new Set(['creating', 'ready', 'stopped', 'starting', 'destroying', 'failing']);

/** Statuses in which an environment may be extended or expire. */
export const ENV_LIVE: ReadonlySet<EnvStatus> = new Set(['creating', 'ready', 'stopped', 'starting']);

/** A role of an environment template: `count` machines of a fleet template. */
export interface EnvRoleTemplate {
  name: string;
  /** A fleet template (the `templates:` section) the role's machines are made from. */
  template: string;
  count: number;
  /** How long the role may take to have every machine `ready` (and its check passing) before creation fails. */
  readyTimeoutMs: number;
  /**
   * The role's provisioning: cloud-init (`#cloud-config` or a `#!` script) with `{{params.x}}`,
   * `{{env.id}}`, `{{env.name}}` and `{{role}}` filled in at creation; it boots beside the agent's.
   */
  userData?: string | undefined;
  /** What the role's agent checks on each machine before the environment is `ready`. */
  ready?: ReadinessCheck | undefined;
}

export interface EnvParamSpec {
  name: string;
  default?: string | undefined;
  /** A regular expression the value must match in full. */
  pattern?: string | undefined;
  description?: string | undefined;
}

/** An environment template as the config declares it; `version` is copied into every environment made from it. */
export interface EnvTemplate {
  name: string;
  version: number;
  roles: EnvRoleTemplate[];
  params: EnvParamSpec[];
  /** Output name → text with `{{params.x}}`, `{{env.name}}`, `{{roles.r.machines}}`, `{{roles.r.addresses}}` (each ready machine's primary address), `{{roles.r.address}}` (the first's). */
  outputs: Record<string, string>;
  defaultTtlMs: number;
  /** Longest life from creation that extensions may reach. */
  maxTtlMs: number;
  /** Environments kept made ahead (default params), handed out at once by create. */
  warm: number;
  /** Stop environments whose agents all look idle this long; never when absent. */
  idle?: IdlePolicy | undefined;
  /** Autostart, autostop and dormancy (schedule.ts); a user's own schedule in the settings overrides it field by field. */
  schedule?: EnvSchedule | undefined;
  /** What a stopped (or shelved) machine-hour costs, as a share of the running price: 0 when absent. */
  stoppedPrice?: number | undefined;
  /** Stopped environments' machines are shelved (freeing their hosts, where the cloud can) rather than stopped. */
  stopMode?: 'stop' | 'shelve' | undefined;
}

/** Who stopped an environment: its owner (or an operator) through the API, idle stop, or the schedule's autostop. */
export type EnvStopCause = 'owner' | 'idle' | 'schedule';

/**
 * One stretch of an environment stopped: what usage prices as stopped time and what dormancy
 * counts from. `to` is absent while it lasts; a destroyed environment's last stop ends at `endedAt`.
 */
export interface EnvStop {
  from: number;
  to?: number | undefined;
  by: EnvStopCause;
  /** When dormancy destroys it if it stays stopped, as the schedule said when last looked at (shown by `env list`). */
  destroyAt?: number | undefined;
  /** When the dormancy warning went out. */
  warnedAt?: number | undefined;
}

/** One role of a made environment, with the pool that holds its machines. */
export interface EnvRole {
  name: string;
  pool: string;
  template: string;
  count: number;
  readyTimeoutMs: number;
  ready?: ReadinessCheck | undefined;
}

export interface Environment {
  id: string;
  name: string;
  /** The name of the API token that created it. */
  owner: string;
  template: string;
  templateVersion: number;
  params: Record<string, string>;
  roles: EnvRole[];
  status: EnvStatus;
  /** Why the status is what it is (failure cause, who destroyed it), in words. */
  reason?: string | undefined;
  outputs: Record<string, string>;
  createdAt: number;
  readyAt?: number | undefined;
  expiresAt: number;
  /** When the expiry warning went out; cleared by an extension. */
  warnedAt?: number | undefined;
  /** When its machines were all released (destroyed or failed). */
  endedAt?: number | undefined;
  /** Since when every agent has looked idle (ready environments with an idle policy); cleared by any activity. */
  idleSince?: number | undefined;
  /** Its stops, oldest first (migration 0017); absent when it never stopped. */
  stops?: EnvStop[] | undefined;
}

/**
 * Pools of environments carry this name prefix; `flotte apply` leaves them alone (they are not
 * in the file) and config pools may not use it.
 */
export const ENV_POOL_PREFIX = 'env-';

/** Owner of pre-made environments until create hands one out; no token name has parentheses in practice, and none can claim through it. */
export const WARM_OWNER = '(warm)';

export const envPoolName = (envId: string, role: string): string => `${ENV_POOL_PREFIX}${envId}-${role}`;
export const isEnvPool = (pool: string): boolean => pool.startsWith(ENV_POOL_PREFIX);

/** Fixed event reasons of environments, shown as they are. */
export const ENV_REASONS = ['EnvCreated', 'EnvReady', 'EnvFailed', 'EnvDestroying', 'EnvDestroyed', 'EnvExpiring', 'EnvExpired', 'EnvExtended', 'EnvStopped', 'EnvStarting', 'EnvScheduledStop', 'EnvScheduledStart', 'EnvDormant', 'EnvDormancyExpired', 'EnvWarmReleased'] as const;
