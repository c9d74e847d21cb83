import { z } from 'zod';
import { ENV_STATUSES } from '../../domain/environments/types.js';
import { MACHINE_STATES } from '../../domain/lifecycle.js';
import { ReadinessCheckSchema, ReadinessResultSchema } from './agents.js';

/** An environment template of the applied config; durations in milliseconds. */
export const EnvTemplateSchema = z.strictObject({
  name: z.string(),
  version: z.number(),
  roles: z.array(z.strictObject({ name: z.string(), template: z.string(), count: z.number(), readyTimeoutMs: z.number(), userData: z.string().optional(), ready: ReadinessCheckSchema.optional() })),
  params: z.array(z.strictObject({ name: z.string(), default: z.string().optional(), pattern: z.string().optional(), description: z.string().optional() })),
  outputs: z.record(z.string(), z.string()),
  defaultTtlMs: z.number(),
  maxTtlMs: z.number(),
  warm: z.number(),
  idle: z.strictObject({ afterMs: z.number(), maxCpu: z.number() }).optional(),
  schedule: z.strictObject({ timezone: z.string(), autostart: z.string().optional(), autostop: z.string().optional(), dormancy: z.strictObject({ afterMs: z.number(), warningMs: z.number() }).optional() }).optional(),
  /** Share of the running price a stopped machine-hour costs. */
  stoppedPrice: z.number().optional(),
  /** `shelve`: stopped environments free their hosts where the cloud can (Nova); absent: stopped. */
  stopMode: z.enum(['stop', 'shelve']).optional(),
});
export type EnvTemplateView = z.infer<typeof EnvTemplateSchema>;

export const EnvTemplateListSchema = z.strictObject({ items: z.array(EnvTemplateSchema) });
export type EnvTemplateList = z.infer<typeof EnvTemplateListSchema>;

/** An environment as stored; times are epoch milliseconds. */
export const EnvironmentSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  template: z.string(),
  templateVersion: z.number(),
  params: z.record(z.string(), z.string()),
  roles: z.array(z.strictObject({ name: z.string(), pool: z.string(), template: z.string(), count: z.number(), readyTimeoutMs: z.number(), ready: ReadinessCheckSchema.optional() })),
  status: z.enum(ENV_STATUSES),
  /** Why the status is what it is, in words. */
  reason: z.string().optional(),
  outputs: z.record(z.string(), z.string()),
  createdAt: z.number(),
  readyAt: z.number().optional(),
  expiresAt: z.number(),
  warnedAt: z.number().optional(),
  endedAt: z.number().optional(),
  idleSince: z.number().optional(),
  /** Its stops, oldest first; `destroyAt` is when dormancy destroys it if it stays stopped. */
  stops: z.array(z.strictObject({ from: z.number(), to: z.number().optional(), by: z.enum(['owner', 'idle', 'schedule']), destroyAt: z.number().optional(), warnedAt: z.number().optional() })).optional(),
});
export type EnvironmentView = z.infer<typeof EnvironmentSchema>;

export const EnvironmentListSchema = z.strictObject({ items: z.array(EnvironmentSchema) });
export type EnvironmentList = z.infer<typeof EnvironmentListSchema>;

/** Why a running environment is (not) idle, and when it stops if its template stops idle ones. */
export const EnvIdleSchema = z.strictObject({
  idle: z.boolean(),
  busy: z.number(),
  sessions: z.number(),
  peakCpu: z.number(),
  blockers: z.array(z.string()),
  machines: z.array(z.strictObject({ machine: z.string(), role: z.string(), state: z.string(), report: z.strictObject({ busy: z.number(), sessions: z.number(), cpu: z.number(), at: z.number() }).optional() })),
  autoStop: z.boolean(),
  afterMs: z.number().optional(),
  maxCpu: z.number(),
  since: z.number().optional(),
  stopsAt: z.number().optional(),
});

/** One environment with the progress of each role (and, while it runs, its idle signals). */
export const EnvironmentDetailSchema = EnvironmentSchema.extend({
  roleStatus: z.array(z.strictObject({ name: z.string(), pool: z.string(), count: z.number(), ready: z.number(), machines: z.array(z.strictObject({ id: z.string(), state: z.enum(MACHINE_STATES), address: z.string().optional(), readiness: ReadinessResultSchema.optional() })) })),
  idle: EnvIdleSchema.optional(),
});
export type EnvironmentDetail = z.infer<typeof EnvironmentDetailSchema>;

/** The way into one machine of an environment: `command` is a POSIX shell command (`ssh user@address`, or a shell in a local machine's directory). */
export const EnvConnectionSchema = z.strictObject({ env: z.string(), role: z.string(), machine: z.string(), address: z.string(), command: z.string() });
export type EnvConnection = z.infer<typeof EnvConnectionSchema>;

/** Machine-hours (running, and stopped) and cost per user, team or template over [from, to) (epoch milliseconds). */
export const EnvUsageSchema = z.strictObject({
  from: z.number(),
  to: z.number(),
  items: z.array(z.strictObject({ scope: z.string(), environments: z.number(), machineHours: z.number(), stoppedMachineHours: z.number(), cost: z.number(), unpriced: z.array(z.string()) })),
});
export type EnvUsage = z.infer<typeof EnvUsageSchema>;
