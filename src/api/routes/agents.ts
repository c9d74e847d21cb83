import type { FastifyRequest } from 'fastify';
import { DEFAULT_HEALTH, type AgentHeartbeat } from '../../domain/health.js';
import { CREDENTIAL_PREFIX, launchJoinToken, newJoinKey, randomSecret, sameSecret, secretHash } from '../../store/agent-secrets.js';
import { agentHookOrders } from '../agent-hooks.js';
import type { ApiDeps } from '../app.js';
import { ApiError } from '../errors.js';
import { defineRoute } from '../route.js';
import { AgentOrdersSchema, AgentReportSchema, type AgentOrders, type AgentReport } from '../contract/index.js';

/** Machines in these states have no agent that may join: the record of a machine that is gone is history. */
const NO_JOIN = new Set(['gone']);

/**
 * Agent routes authenticate machines, not users. A join presents a join token (its launch's,
 * derived from the cluster key, or one minted through the API) for a machine flotte knows in
 * that pool, and gets the machine's own credential; every later report presents that credential.
 * A refusal changes nothing and is logged. See docs/design/0011-agent-secrets.md.
 */
export function agentRoutes(deps: ApiDeps) {
  const { store, clock } = deps;
  const legacyWarned = new Set<string>();

  function refuse(request: FastifyRequest, report: AgentReport, why: string, err: ApiError): never {
    (deps.logger ?? request.log).warn({ pool: report.pool, machine: report.machine, source: request.ip }, `agent refused: ${why}`);
    throw err;
  }

  const presented = (request: FastifyRequest) => /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];

  /** A join token is good for a machine when it is its launch's token, or a minted or legacy token of its pool. */
  async function admitJoin(request: FastifyRequest, report: AgentReport): Promise<void> {
    const token = presented(request);
    if (token === undefined) refuse(request, report, 'wrong or missing join token', new ApiError('unauthorized', `join token refused for pool "${report.pool}"`));
    const m = await store.getMachine(report.machine);
    if (!m || NO_JOIN.has(m.state) || m.pool !== report.pool) {
      // Either a stranger, or a machine whose launch flotte records a moment after its agent starts: the agent asks again.
      refuse(
        request,
        report,
        'machine unknown in its pool',
        new ApiError('not_found', `${report.machine} is not a machine of pool "${report.pool}" that flotte knows: an agent joins once flotte has recorded its machine's launch (it asks again)`),
      );
    }
    const key = m.intent !== undefined ? await store.agentJoinKey(newJoinKey(), clock.now()) : undefined;
    const fromLaunch = key !== undefined && sameSecret(token, launchJoinToken(key, m.pool, m.intent!));
    if (!fromLaunch && !(await store.findJoinSecret(m.pool, secretHash(token)))) {
      refuse(request, report, 'wrong or missing join token', new ApiError('unauthorized', `join token refused for pool "${report.pool}"`));
    }
  }

  /** A report is good only with the machine's own credential (or, for an agent that joined before 0011, its pool's legacy token). */
  async function admitReport(request: FastifyRequest, report: AgentReport): Promise<void> {
    const token = presented(request);
    const known = await store.agentCredential(report.machine);
    const unknown = new ApiError('unauthorized', `credential refused for machine ${report.machine}: join again with a join token`);
    if (token === undefined || !known) refuse(request, report, token === undefined ? 'missing credential' : 'no credential for this machine (never joined, or forgotten)', unknown);
    if (known.pool !== report.pool) refuse(request, report, 'machine reported in another pool', new ApiError('forbidden', `machine ${report.machine} is not in pool "${report.pool}"`));
    if (known.hash !== null) {
      if (!sameSecret(secretHash(token), known.hash)) refuse(request, report, 'wrong credential for this machine', unknown);
      return;
    }
    const legacy = await store.findJoinSecret(known.pool, secretHash(token));
    if (legacy?.kind !== 'legacy') refuse(request, report, 'wrong credential for this machine', unknown);
    if (!legacyWarned.has(report.machine)) {
      legacyWarned.add(report.machine);
      (deps.logger ?? request.log).warn({ pool: report.pool, machine: report.machine }, 'agent from before the upgrade reports with its pool token: restart or replace it to give it its own credential');
    }
  }

  async function record(report: AgentReport, joining: boolean): Promise<AgentOrders> {
    const now = clock.now();
    const before = joining ? undefined : await store.getHeartbeat(report.machine);
    const beat: AgentHeartbeat = { ...report, joinedAt: before?.joinedAt ?? now, lastAt: now };
    const credential = joining ? randomSecret(CREDENTIAL_PREFIX) : undefined;
    if (credential !== undefined) await store.joinAgent(beat, secretHash(credential));
    else await store.saveHeartbeat(beat);
    const [pool, m] = await Promise.all([store.getPool(report.pool), store.getMachine(report.machine)]);
    const policy = pool?.health ?? DEFAULT_HEALTH;
    const hooks = pool?.hooks && m ? await agentHookOrders(store, pool.hooks, report, now) : undefined;
    if (joining || hooks?.ended) deps.wake?.();
    return {
      heartbeatIntervalMs: policy.heartbeatIntervalMs,
      drain: m?.state === 'draining' ? { deadline: m.since + policy.drainTimeoutMs, preStop: policy.preStop } : null,
      ...(credential !== undefined ? { credential } : {}),
      ...(pool?.readiness ? { readiness: pool.readiness } : {}),
      ...(hooks?.orders.length ? { hooks: hooks.orders } : {}),
    };
  }

  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/agents/join',
      summary: "An agent joins its pool with a join token and receives its machine's own credential",
      tags: ['agents'],
      permission: 'agent',
      response: AgentOrdersSchema,
      body: AgentReportSchema,
      async handler({ body, request }) {
        await admitJoin(request, body);
        return record(body, true);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agents/heartbeat',
      summary: "An agent reports load, busy count and drain state with its machine's credential; the answer carries drain orders",
      tags: ['agents'],
      permission: 'agent',
      response: AgentOrdersSchema,
      body: AgentReportSchema,
      async handler({ body, request }) {
        await admitReport(request, body);
        return record(body, false);
      },
    }),
  ];
}
