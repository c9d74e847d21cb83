import type { Machine, PoolSpec, Template } from '../types.js';
import { driftReasons } from './drift.js';
import { lifetimeDueAt } from './lifetime.js';
import type { DisruptionPolicy } from './policy.js';

export interface Candidate {
  id: string;
  reason: 'drift' | 'lifetime';
  /** In words: the drifted fields, or the age against the lifetime. */
  detail: string;
}

/**
 * The pool's machines that are due for a voluntary replacement at `now`, drifted ones first.
 * Only ready machines: one still booting is looked at once it serves, and an unhealthy or dead
 * one is healing's, not a roll-out's.
 */
export function candidates(
  machines: Iterable<Machine>,
  templates: { current: Template; made: (version: number) => Template | undefined },
  pool: Pick<PoolSpec, 'zones'>,
  policy: Pick<DisruptionPolicy, 'maxLifetimeMs'>,
  now: number,
): Candidate[] {
  const drifted: Candidate[] = [];
  const old: Candidate[] = [];
  for (const m of machines) {
    if (m.state !== 'ready') continue;
    const reasons = driftReasons(m, templates.made(m.templateVersion), templates.current, pool);
    if (reasons.length) drifted.push({ id: m.id, reason: 'drift', detail: reasons.join('; ') });
    else if (policy.maxLifetimeMs !== undefined && now >= lifetimeDueAt(m, policy.maxLifetimeMs)) {
      old.push({ id: m.id, reason: 'lifetime', detail: `launched ${new Date(m.launchedAt).toISOString()}, past its lifetime of ${Math.round(policy.maxLifetimeMs / 3_600_000)}h` });
    }
  }
  return drifted.length ? drifted : old;
}
