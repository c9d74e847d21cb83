import type { Caps } from './quota.js';
import type { ScheduleOverride } from './schedule.js';
import type { EnvTemplate } from './types.js';

/** vCPUs and memory of each size (instance type, flavor) templates use: what quotas count. */
export type EnvSizes = Record<string, { vcpus: number; memoryGb: number }>;

export interface EnvQuotas {
  /** Every user's caps, unless `users` names them. */
  user: Caps;
  /** Per-user caps (by token name), replacing `user` for them. */
  users: Record<string, Caps>;
  /** Teams: members (token names) share the team's caps, on top of their own. */
  teams: Record<string, Caps & { members: string[] }>;
}

/** flotte.yaml's `environments:` section as the running system reads it, defaults filled in. */
export interface EnvironmentSettings {
  /** In the file's order. */
  templates: EnvTemplate[];
  sizes: EnvSizes;
  /** Hourly price per size, for `flotte env usage` cost. */
  prices: Record<string, number>;
  quotas: EnvQuotas;
  /** Per user (token name): a schedule over their templates' ones. Absent in settings stored before schedules. */
  users?: Record<string, { schedule?: ScheduleOverride | undefined }> | undefined;
}
