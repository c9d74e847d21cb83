import type { ObservedPool } from '../../domain/plan.js';
import type { PoolHealth } from '../health.js';
import { poolEvents } from './events.js';
import type { PoolTick } from './tick.js';

/**
 * The health phase, between folding the provider's view and planning: protections, verdicts,
 * probes, the brake and drains (HealthControl.step), then the offerings whose replacements keep
 * failing, which the step backed off in the one capacity memory, said in an event each.
 * Returns the plan's extra inputs.
 */
export async function checkHealth(t: PoolTick, h: PoolHealth, target: number): Promise<Partial<ObservedPool>> {
  const { rt, journal } = t;
  const healthy = await rt.health.step(t, h, target);
  for (const key of healthy.backoff) journal.add(poolEvents.offeringBackoff(key, rt.offerings.ttlMinutes));
  return healthy.inputs;
}
