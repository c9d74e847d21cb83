import { driftReasons } from '../domain/disruption/drift.js';
import { lifetimeDueAt } from '../domain/disruption/lifetime.js';
import { LIVE_STATES } from '../domain/lifecycle.js';
import type { Machine, PoolSpec, Template } from '../domain/types.js';
import type { Store } from '../store/store.js';

export interface MachineDrift {
  /** Why the machine no longer matches its pool's template or settings; empty when it does. */
  reasons: string[];
  /** When `maxLifetime` makes it due (epoch ms); undefined without a lifetime. */
  lifetimeDueAt?: number | undefined;
}

/**
 * Drift of a pool's live machines, as the roll-out sees it (domain/disruption): the template
 * each machine was made from against the pool's current one. Templates are read once per version.
 */
export async function poolDrift(store: Pick<Store, 'getTemplate'>, pool: PoolSpec, machines: readonly Machine[]): Promise<Map<string, MachineDrift>> {
  const out = new Map<string, MachineDrift>();
  const current = await store.getTemplate(pool.template);
  if (!current) return out;
  const made = new Map<number, Template | undefined>();
  for (const v of new Set(machines.map((m) => m.templateVersion))) made.set(v, await store.getTemplate(pool.template, v));
  const lifetime = pool.disruption?.maxLifetimeMs;
  for (const m of machines) {
    if (!LIVE_STATES.has(m.state)) continue;
    out.set(m.id, { reasons: driftReasons(m, made.get(m.templateVersion), current, pool), ...(lifetime !== undefined ? { lifetimeDueAt: lifetimeDueAt(m, lifetime) } : {}) });
  }
  return out;
}
