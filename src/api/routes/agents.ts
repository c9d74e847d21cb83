import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEFAULT_HEALTH, type AgentHeartbeat } from '../../domain/health.js';
import type { ApiDeps } from '../app.js';
import { ApiError } from '../errors.js';
import { defineRoute } from '../route.js';

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

/** The controller's answer: how often to report, and whether to drain. */
export interface AgentOrders {
  heartbeatIntervalMs: number;
  drain: { deadline: number; preStop?: { command: string; timeoutMs: number } | undefined } | null;
}

/**
 * Agent routes authenticate with the pool's join token, not a user token: a machine holds
 * only its pool's secret, and a wrong or missing one is refused and logged, changing nothing.
 */
export function agentRoutes(deps: ApiDeps) {
  const { store, clock } = deps;

  async function admit(request: FastifyRequest, report: AgentReport): Promise<void> {
    const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const expected = await store.getJoinToken(report.pool);
    const ok = presented !== undefined && expected !== undefined && presented.length === expected.length && timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
    if (!ok) {
      (deps.logger ?? request.log).warn({ pool: report.pool, machine: report.machine, source: request.ip, tokenGiven: presented !== undefined }, 'agent refused: wrong or missing join token');
      throw new ApiError('unauthorized', `join token refused for pool "${report.pool}"`);
    }
    const m = await store.getMachine(report.machine);
    if (m && m.pool !== report.pool) throw new ApiError('forbidden', `machine ${report.machine} is not in pool "${report.pool}"`);
  }

  async function record(report: AgentReport, joining: boolean): Promise<AgentOrders> {
    const now = clock.now();
    const before = joining ? undefined : await store.getHeartbeat(report.machine);
    const beat: AgentHeartbeat = { ...report, joinedAt: before?.joinedAt ?? now, lastAt: now };
    await store.saveHeartbeat(beat);
    const [pool, m] = await Promise.all([store.getPool(report.pool), store.getMachine(report.machine)]);
    const policy = pool?.health ?? DEFAULT_HEALTH;
    if (joining) deps.wake?.();
    return {
      heartbeatIntervalMs: policy.heartbeatIntervalMs,
      drain: m?.state === 'draining' ? { deadline: m.since + policy.drainTimeoutMs, preStop: policy.preStop } : null,
    };
  }

  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/agents/join',
      summary: "An agent joins its pool with the pool's join token",
      tags: ['agents'],
      permission: 'agent',
      body: AgentReportSchema,
      async handler({ body, request }) {
        await admit(request, body);
        return record(body, true);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agents/heartbeat',
      summary: 'An agent reports load, busy count and drain state; the answer carries drain orders',
      tags: ['agents'],
      permission: 'agent',
      body: AgentReportSchema,
      async handler({ body, request }) {
        await admit(request, body);
        return record(body, false);
      },
    }),
  ];
}
