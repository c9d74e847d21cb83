import { z } from 'zod';
import { parseDuration } from '../domain/environments/duration.js';
import { READINESS_KINDS, type ReadinessCheck } from '../domain/environments/readiness.js';
import type { EnvTemplate } from '../domain/environments/types.js';
import type { ScheduleOverride } from '../domain/environments/schedule.js';
import { checkSchedule } from '../domain/scaling/schedule.js';

const Name = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/);
const Duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: 'a duration like 90s, 30m, 8h or 2d' })
  // For the JSON Schema (editors): the same rule as parseDuration, which zod's refine cannot show.
  .meta({ description: 'A duration: whole numbers with a unit s, m, h or d, e.g. 90s, 30m, 8h, 2d, 1h30m.', pattern: '^(\\d+[smhd])+$' });

/** `host:port` with a port TCP can use. */
function isHostPort(s: string): boolean {
  const port = Number(/^[^\s:]+:(\d{1,5})$/.exec(s)?.[1]);
  return port >= 1 && port <= 65_535;
}

/** Run by the role's agent on each machine: exactly one of `tcp`, `http`, `command`. */
const ReadySchema = z
  .strictObject({
    /** A port on the machine itself, or `host:port`. */
    tcp: z.union([z.int().min(1).max(65_535), z.string().refine(isHostPort, { message: 'not a port or host:port', params: { hint: 'write a port (5432) or host:port (127.0.0.1:5432)' } })]).optional(),
    /** Answers 2xx or 3xx. */
    http: z.string().refine((s) => /^https?:\/\/\S+$/.test(s), { message: 'not an http:// or https:// URL', params: { hint: 'write the URL the agent GETs on the machine, e.g. http://127.0.0.1:8080/health' } }).optional(),
    /** A shell command line that exits 0. */
    command: z.string().min(1).optional(),
    /** One attempt's limit. */
    timeout: Duration.default('5s'),
    /** Pause between attempts. */
    interval: Duration.default('2s'),
  })
  .refine((r) => READINESS_KINDS.filter((k) => r[k] !== undefined).length === 1, { message: 'a readiness check needs exactly one of tcp, http or command', params: { hint: 'write one of tcp: 5432, http: http://127.0.0.1:8080/health or command: pg_isready' } });

const RoleSchema = z.strictObject({
  /** A fleet template from `templates:`. */
  template: z.string().min(1),
  count: z.int().min(1).max(100).default(1),
  /** Readiness: every machine of the role reached `ready` (agent joined, or running past the health grace) and passes `ready` within this time. */
  readyTimeout: Duration.default('15m'),
  /** The role's cloud-init, booted beside the flotte agent's; `{{params.x}}`, `{{env.id}}`, `{{env.name}}`, `{{role}}` are filled in. */
  userData: z
    .string()
    .refine((s) => /^(#cloud-config|#!)/.test(s), { message: 'user-data that cloud-init would not run beside the agent’s', params: { hint: 'start it with #cloud-config (cloud-config) or #! (a script, e.g. #!/bin/sh)' } })
    .optional(),
  ready: ReadySchema.optional(),
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

const CRON_HINT = "write five cron fields (minute hour day-of-month month day-of-week), e.g. '30 8 * * 1-5'";

/**
 * Autostart, autostop and dormancy (domain/environments/schedule.ts). Every field is optional so
 * that a user's block overrides only what it names; a template's timezone defaults to UTC.
 * Checked here, at load, so a bad cron or zone is refused with the file's line, not at 08:30.
 */
const ScheduleSchema = z
  .strictObject({
    /** IANA time zone the cron expressions are read in (daylight saving included). */
    timezone: z.string().min(1).optional(),
    /** Cron: wakes environments the schedule or idle stop stopped; fills the warm pool ahead of it. */
    autostart: z.string().min(1).optional(),
    /** Cron: stops running environments; with autostart, starts the night (no warm environments). */
    autostop: z.string().min(1).optional(),
    /** An environment stopped `after` is destroyed, with an `EnvDormant` warning event `warning` before. */
    dormancy: z.strictObject({ after: Duration, warning: Duration.default('1d') }).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.timezone !== undefined && !validZone(s.timezone)) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone "${s.timezone}"`, params: { hint: 'write an IANA time zone like Europe/Paris, America/New_York or UTC' } });
    }
    for (const field of ['autostart', 'autostop'] as const) {
      const cron = s[field];
      if (cron === undefined) continue;
      try {
        checkSchedule(cron, 'UTC');
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: [field], message: `invalid cron expression: ${(e as Error).message}`, params: { hint: CRON_HINT } });
      }
    }
    if (s.dormancy && parseDuration(s.dormancy.warning)! >= parseDuration(s.dormancy.after)!) {
      ctx.addIssue({ code: 'custom', path: ['dormancy', 'warning'], message: `the warning (${s.dormancy.warning}) must come before the end (after: ${s.dormancy.after})`, params: { hint: 'make warning shorter than after, e.g. after: 14d, warning: 2d' } });
    }
  });

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

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
  schedule: ScheduleSchema.optional(),
  /** What a stopped (or shelved) machine-hour costs in `flotte env usage`, as a share of the size's running price: disks, reserved flavors. */
  stoppedPrice: z.number().min(0).max(1).default(0),
  /**
   * How a stopped environment's machines rest: `stop` (quick to wake) or `shelve`, which frees
   * the hypervisor on clouds that have it (Nova) and wakes slower; elsewhere it stops.
   */
  stopMode: z.enum(['stop', 'shelve']).default('stop'),
}).superRefine((t, ctx) => {
  // A misspelt param would boot machines with the placeholder left in their provisioning.
  for (const [role, r] of Object.entries(t.roles)) {
    const texts: [string[], string | undefined][] = [[['userData'], r.userData], [['ready', 'http'], r.ready?.http], [['ready', 'command'], r.ready?.command]];
    for (const [path, text] of texts) {
      for (const [, name] of (text ?? '').matchAll(/\{\{\s*params\.([\w-]+)\s*\}\}/g)) {
        if (!(name! in t.params)) ctx.addIssue({ code: 'custom', path: ['roles', role, ...path], message: `{{params.${name}}} names no param of this template`, params: { hint: `declare ${name} under params, or use one of: ${Object.keys(t.params).join(', ') || 'none declared'}` } });
      }
    }
  }
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
  /**
   * Per-user settings (by token name): a schedule whose fields replace their templates' ones, for
   * people in another time zone or on other hours. Not under `quotas.users`: those are caps an
   * operator grants, replaced whole, while a schedule is someone's working hours, merged field by field.
   */
  users: z.record(z.string(), z.strictObject({ schedule: ScheduleSchema.optional() })).default({}),
});

export type EnvironmentsConfig = z.infer<typeof EnvironmentsSchema>;

/** The section's templates as the domain takes them. */
export function envTemplates(cfg: EnvironmentsConfig): Map<string, EnvTemplate> {
  const out = new Map<string, EnvTemplate>();
  for (const [name, t] of Object.entries(cfg.templates)) {
    out.set(name, {
      name,
      version: t.version,
      roles: Object.entries(t.roles).map(([role, r]) => ({
        name: role,
        template: r.template,
        count: r.count,
        readyTimeoutMs: parseDuration(r.readyTimeout)!,
        ...(r.userData !== undefined ? { userData: r.userData } : {}),
        ...(r.ready ? { ready: readinessCheck(r.ready) } : {}),
      })),
      params: Object.entries(t.params).map(([p, s]) => ({ name: p, ...s })),
      outputs: t.outputs,
      defaultTtlMs: parseDuration(t.ttl)!,
      maxTtlMs: parseDuration(t.maxTtl)!,
      warm: t.warm,
      ...(t.idle ? { idle: { afterMs: parseDuration(t.idle.after)!, maxCpu: t.idle.maxCpu } } : {}),
      ...(t.schedule ? { schedule: { timezone: 'UTC', ...toSchedule(t.schedule) } } : {}),
      ...(t.stoppedPrice > 0 ? { stoppedPrice: t.stoppedPrice } : {}),
      ...(t.stopMode === 'shelve' ? { stopMode: 'shelve' as const } : {}),
    });
  }
  return out;
}

/** A role's `ready:` block as the agent runs it; a bare port is one on the machine itself. */
function readinessCheck(r: z.infer<typeof ReadySchema>): ReadinessCheck {
  const timing = { timeoutMs: parseDuration(r.timeout)!, intervalMs: parseDuration(r.interval)! };
  if (r.tcp !== undefined) return { kind: 'tcp', target: typeof r.tcp === 'number' ? `127.0.0.1:${r.tcp}` : r.tcp, ...timing };
  if (r.http !== undefined) return { kind: 'http', target: r.http, ...timing };
  return { kind: 'command', target: r.command!, ...timing };
}

/** A schedule block as the domain takes it: durations in ms, absent fields left out (a user's block overrides only what it names). */
function toSchedule(s: z.infer<typeof ScheduleSchema>): ScheduleOverride {
  const out: ScheduleOverride = {};
  if (s.timezone !== undefined) out.timezone = s.timezone;
  if (s.autostart !== undefined) out.autostart = s.autostart;
  if (s.autostop !== undefined) out.autostop = s.autostop;
  if (s.dormancy) out.dormancy = { afterMs: parseDuration(s.dormancy.after)!, warningMs: parseDuration(s.dormancy.warning)! };
  return out;
}

/** The section's per-user schedules as the domain takes them. */
export function envUsers(cfg: EnvironmentsConfig): Record<string, { schedule?: ScheduleOverride }> {
  return Object.fromEntries(Object.entries(cfg.users).map(([name, u]) => [name, u.schedule ? { schedule: toSchedule(u.schedule) } : {}]));
}
