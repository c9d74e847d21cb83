import type { ScalingState } from '../domain/scaling/decision.js';
import type { ScalingSpec } from '../domain/scaling/spec.js';
import type { Machine } from '../domain/types.js';
import type { DecisionsPort } from '../store/ports.js';

/** What the autoscaler carries from one decision of a pool to the next. */
export type Memory = Pick<ScalingState, 'history' | 'lastScaleOutAt' | 'lastScaleInAt'>;

const MAX_LOOKBACK = 10_000;

/**
 * Rebuilds a pool's memory from its stored decisions, so a restarted controller keeps honouring
 * the stabilization window and cooldowns instead of scaling in the moment it comes back.
 */
export async function loadMemory(store: DecisionsPort, pool: string, spec: ScalingSpec, now: number): Promise<Memory> {
  const windowMs = Math.max(spec.stabilization.scaleIn, spec.stabilization.scaleOut, spec.cooldowns.scaleIn, spec.cooldowns.scaleOut) * 1000;
  const past = (await store.listDecisions({ pool, since: now - windowMs, limit: MAX_LOOKBACK })).reverse();
  const memory: { history: { at: number; value: number }[]; lastScaleOutAt?: number; lastScaleInAt?: number } = { history: [] };
  for (const d of past) {
    if (d.recommendation !== undefined && d.recommendation !== null && !d.held) memory.history.push({ at: d.at, value: d.recommendation });
    if (d.dryRun) continue;
    if (d.desired > d.current) memory.lastScaleOutAt = d.at;
    if (d.desired < d.current) memory.lastScaleInAt = d.at;
  }
  return memory;
}

/** Warm machines (ready for at least the warm-up) and those still on their way. */
export function warmth(machines: readonly Machine[], warmupSeconds: number, now: number): { warm: number; warming: number } {
  let warm = 0;
  let warming = 0;
  for (const m of machines) {
    if (m.state === 'requested' || m.state === 'launching' || m.state === 'booting') warming++;
    else if (m.state === 'ready') {
      if (m.readyAt !== undefined && now - m.readyAt >= warmupSeconds * 1000) warm++;
      else warming++;
    }
  }
  return { warm, warming };
}
