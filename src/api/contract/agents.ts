import { z } from 'zod';
import { READINESS_KINDS, READINESS_OUTPUT_MAX } from '../../domain/environments/readiness.js';

/** The pool's readiness check, as the agent runs it (see ReadinessCheck). */
export const ReadinessCheckSchema = z.strictObject({
  kind: z.enum(READINESS_KINDS),
  target: z.string().min(1).max(2_000),
  timeoutMs: z.number().min(1),
  intervalMs: z.number().min(1),
});

/** The agent's last attempt at its pool's check: passed or not, when (epoch ms), and what it saw. */
export const ReadinessResultSchema = z.strictObject({
  ok: z.boolean(),
  at: z.number(),
  output: z.string().max(READINESS_OUTPUT_MAX),
});
export type AgentReadinessCheck = z.infer<typeof ReadinessCheckSchema>;
export type AgentReadinessResult = z.infer<typeof ReadinessResultSchema>;
export { READINESS_OUTPUT_MAX };

/** A lifecycle hook command the agent is to run (see docs/lifecycle-hooks.md): cut at `deadline` (epoch ms). */
export const AgentHookOrderSchema = z.strictObject({
  id: z.string().min(1).max(400),
  command: z.string().min(1),
  deadline: z.number(),
});

/** How a hook command ended on the machine: exit 0 (`ok`), and the end of its output. Reported until the order is gone. */
export const AgentHookResultSchema = z.strictObject({
  id: z.string().min(1).max(400),
  ok: z.boolean(),
  output: z.string().max(READINESS_OUTPUT_MAX),
});
export type AgentHookOrder = z.infer<typeof AgentHookOrderSchema>;
export type AgentHookResult = z.infer<typeof AgentHookResultSchema>;

/** What an agent sends on join and with every heartbeat. */
export const AgentReportSchema = z.strictObject({
  machine: z.string().min(1).max(128),
  pool: z.string().min(1).max(63),
  busy: z.int().min(0).default(0),
  /** Logged-in sessions (utmp); older agents do not send it. */
  sessions: z.int().min(0).default(0),
  available: z.boolean().default(true),
  drained: z.boolean().default(false),
  load: z.strictObject({ load1: z.number().min(0), cpu: z.number().min(0).max(1), memory: z.number().min(0).max(1) }),
  address: z.string().max(200).optional(),
  /** Absent until the agent has a check (its pool has one) and has run it once. */
  readiness: ReadinessResultSchema.optional(),
  /** Lifecycle hook commands that ended, while the controller still orders them; older agents do not send it. */
  hooks: z.array(AgentHookResultSchema).max(100).optional(),
});
export type AgentReport = z.infer<typeof AgentReportSchema>;

/** The controller's answer: how often to report, and whether to drain (deadline in epoch milliseconds). */
export const AgentOrdersSchema = z.strictObject({
  heartbeatIntervalMs: z.number(),
  drain: z.strictObject({ deadline: z.number(), preStop: z.strictObject({ command: z.string(), timeoutMs: z.number() }).optional() }).nullable(),
  /** On join only: the machine's own secret for its heartbeats, shown this once and kept by flotte as a hash. */
  credential: z.string().optional(),
  /** The check the agent runs and reports on (environment roles with `ready:`); absent when its pool has none. */
  readiness: ReadinessCheckSchema.optional(),
  /** Lifecycle hook commands to run, each once; absent when its pool has none in flight on this machine. */
  hooks: z.array(AgentHookOrderSchema).optional(),
});
export type AgentOrders = z.infer<typeof AgentOrdersSchema>;
