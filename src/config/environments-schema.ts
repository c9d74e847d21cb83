import { z } from 'zod';
import { parseDuration } from '../domain/environments/duration.js';
import type { EnvTemplate } from '../domain/environments/types.js';

const Name = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/);
const Duration = z.string().refine((s) => parseDuration(s) !== undefined, { message: 'a duration like 90s, 30m, 8h or 2d' });

const RoleSchema = z.strictObject({
  /** A fleet template from `templates:`. */
  template: z.string().min(1),
  count: z.int().min(1).max(100).default(1),
  /** Readiness: every machine of the role reached `ready` (agent joined, or running past the health grace) within this time. */
  readyTimeout: Duration.default('15m'),
});

const ParamSchema = z.strictObject({
  default: z.string().optional(),
  pattern: z.string().optional(),
  description: z.string().optional(),
});

const IdleSchema = z.strictObject({
  after: Duration,
  /** Highest CPU share (0 to 1) at which a machine still counts as idle; 1 leaves CPU out (local machines share the host's CPU). */
  maxCpu: z.number().min(0).max(1).default(0.1),
});

const EnvTemplateSchema = z.strictObject({
  /** Bump it when the template changes: environments record the version they were made from. */
  version: z.int().min(1).default(1),
  roles: z.record(Name, RoleSchema).refine((r) => Object.keys(r).length > 0, { message: 'at least one role' }),
  params: z.record(z.string().regex(/^[a-zA-Z][\w-]*$/), ParamSchema).default({}),
  outputs: z.record(z.string(), z.string()).default({}),
  ttl: Duration.default('8h'),
  /** `flotte env extend` may not take an environment past this age. */
  maxTtl: Duration.default('7d'),
  /** How many environments with default params to keep made ahead (the warm pool). */
  warm: z.int().min(0).max(20).default(0),
  /** Idle stop: every agent reports no busy work, no logged-in session and CPU at most `maxCpu` for `after` → the environment is stopped. */
  idle: IdleSchema.optional(),
});

const CapsSchema = z.strictObject({
  environments: z.int().min(0).optional(),
  machines: z.int().min(0).optional(),
  vcpus: z.number().min(0).optional(),
  memoryGb: z.number().min(0).optional(),
});

const QuotasSchema = z.strictObject({
  /** Every user's caps, unless `users` names them. */
  user: CapsSchema.default({}),
  /** Per-user caps (by token name), replacing `user` for them. */
  users: z.record(z.string(), CapsSchema).default({}),
  /** Teams: members (token names) share the team's caps, on top of their own. */
  teams: z.record(Name, CapsSchema.extend({ members: z.array(z.string()).min(1) })).default({}),
});

/** The `environments:` section of flotte.yaml. */
export const EnvironmentsSchema = z.strictObject({
  templates: z.record(Name, EnvTemplateSchema).default({}),
  /** vCPUs and memory of each size (instance type, flavor) templates use: what quotas count. */
  sizes: z.record(z.string(), z.strictObject({ vcpus: z.number().min(0), memoryGb: z.number().min(0) })).default({}),
  /** Hourly price per size, for `flotte env usage` cost. */
  prices: z.record(z.string(), z.number().min(0)).default({}),
  quotas: QuotasSchema.default({ user: {}, users: {}, teams: {} }),
});

export type EnvironmentsConfig = z.infer<typeof EnvironmentsSchema>;

/** The section's templates as the domain takes them. */
export function envTemplates(cfg: EnvironmentsConfig): Map<string, EnvTemplate> {
  const out = new Map<string, EnvTemplate>();
  for (const [name, t] of Object.entries(cfg.templates)) {
    out.set(name, {
      name,
      version: t.version,
      roles: Object.entries(t.roles).map(([role, r]) => ({ name: role, template: r.template, count: r.count, readyTimeoutMs: parseDuration(r.readyTimeout)! })),
      params: Object.entries(t.params).map(([p, s]) => ({ name: p, ...s })),
      outputs: t.outputs,
      defaultTtlMs: parseDuration(t.ttl)!,
      maxTtlMs: parseDuration(t.maxTtl)!,
      warm: t.warm,
      ...(t.idle ? { idle: { afterMs: parseDuration(t.idle.after)!, maxCpu: t.idle.maxCpu } } : {}),
    });
  }
  return out;
}
