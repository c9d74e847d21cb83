import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { JOIN_TOKEN_PREFIX, randomSecret, secretHash } from '../../store/agent-secrets.js';
import { activeConditions, type PoolCondition } from '../../domain/conditions.js';
import type { Store } from '../../store/store.js';
import type { ApiDeps } from '../app.js';
import { callerOf } from '../auth.js';
import { notFound } from '../errors.js';
import { defineRoute } from '../route.js';
import { JoinTokenSchema, ProtectionSchema, ResumedSchema, type ConditionView } from '../contract/index.js';

export const conditionView = (c: PoolCondition): ConditionView => ({
  type: c.type,
  since: new Date(c.since).toISOString(),
  reason: c.reason,
  message: c.message,
  ...(c.until !== undefined ? { until: new Date(c.until).toISOString() } : {}),
});

/** Conditions that explain why a pool is not doing what it normally would, as they hold at `now`. */
export async function poolConditions(store: Store, pool: string, now: number): Promise<ConditionView[]> {
  return activeConditions(await store.listConditions({ pool }), now).map(conditionView);
}

/** Every pool's conditions in one read, by pool. */
export async function allPoolConditions(store: Store, now: number): Promise<Map<string, ConditionView[]>> {
  const out = new Map<string, ConditionView[]>();
  for (const c of activeConditions(await store.listConditions(), now)) {
    let list = out.get(c.pool);
    if (!list) out.set(c.pool, (list = []));
    list.push(conditionView(c));
  }
  return out;
}

const poolParams = z.object({ name: z.string().min(1) });

/** Resume-healing, scale-in protection and minting a join token for the pool. */
export function healingRoutes(deps: ApiDeps) {
  const { store, clock } = deps;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/pools/:name/resume-healing',
      summary: 'Resume automatic replacement after the mass-failure brake paused it',
      tags: ['pools'],
      permission: 'pools:scale',
      response: ResumedSchema,
      params: poolParams,
      async handler({ params }) {
        const pool = await store.getPool(params.name);
        if (!pool) throw notFound('pool', params.name);
        const was = (await store.listHealingPaused()).get(pool.name);
        await store.setHealingPaused(pool.name, null);
        if (was) await store.appendEvents([{ at: clock.now(), pool: pool.name, reason: 'HealingResumed', message: 'automatic replacement resumed by request' }]);
        deps.wake?.();
        return { pool: pool.name, resumed: was !== undefined };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/machines/:id/protection',
      summary: 'Protect a machine from scale-in, or lift the protection',
      tags: ['machines'],
      permission: 'machines:write',
      response: ProtectionSchema,
      params: z.object({ id: z.string().min(1) }),
      body: z.strictObject({ protected: z.boolean() }),
      async handler({ params, body }) {
        const m = await store.getMachine(params.id);
        if (!m) throw notFound('machine', params.id);
        await store.setProtection(m.id, body.protected, clock.now());
        deps.wake?.();
        return { id: m.id, pool: m.pool, protected: body.protected };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/pools/:name/join-token',
      summary: 'Mints a new join token for the pool, for user-data of machines flotte does not launch itself; shown once, kept as a hash, audited',
      tags: ['pools'],
      permission: 'tokens:admin',
      response: JoinTokenSchema,
      params: poolParams,
      async handler({ params, request }) {
        const pool = await store.getPool(params.name);
        if (!pool) throw notFound('pool', params.name);
        const caller = callerOf(request)!;
        const now = clock.now();
        const token = randomSecret(JOIN_TOKEN_PREFIX);
        const id = `js-${randomBytes(6).toString('hex')}`;
        await store.addJoinSecret({ id, pool: pool.name, hash: secretHash(token), kind: 'minted', createdAt: now, createdBy: caller.name });
        // A GET is not audited by the hook (it changes nothing, as a rule): this one creates a secret, so it is.
        await store.appendAudit({
          at: now,
          actor: caller.name,
          tokenId: caller.id,
          role: caller.role,
          action: 'GET /api/v1/pools/:name/join-token',
          pool: pool.name,
          params: { params: { name: pool.name }, joinSecret: id },
          status: 200,
          result: 'ok',
          source: request.ip,
        });
        return { pool: pool.name, id, token, note: 'shown once: flotte keeps only its hash; each call mints another' };
      },
    }),
  ];
}
