import { z } from 'zod';

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
});
export type AgentReport = z.infer<typeof AgentReportSchema>;

/** The controller's answer: how often to report, and whether to drain (deadline in epoch milliseconds). */
export const AgentOrdersSchema = z.strictObject({
  heartbeatIntervalMs: z.number(),
  drain: z.strictObject({ deadline: z.number(), preStop: z.strictObject({ command: z.string(), timeoutMs: z.number() }).optional() }).nullable(),
  /** On join only: the machine's own secret for its heartbeats, shown this once and kept by flotte as a hash. */
  credential: z.string().optional(),
});
export type AgentOrders = z.infer<typeof AgentOrdersSchema>;
