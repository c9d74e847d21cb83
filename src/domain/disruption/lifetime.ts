import type { Machine } from '../types.js';

/**
 * Machines due at the same moment are spread over this share of the lifetime: a pool launched in
 * one burst (a first apply, a scale-out from zero) is then recycled over hours, not in one burst.
 */
export const LIFETIME_SPREAD = 0.1;

/** FNV-1a of the id as a fraction in [0, 1): stable across restarts and controllers, no state kept. */
function fraction(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

/** When a machine is due for replacement: its launch plus the lifetime, less its share of the spread. */
export function lifetimeDueAt(m: Pick<Machine, 'id' | 'launchedAt'>, maxLifetimeMs: number): number {
  return m.launchedAt + maxLifetimeMs - Math.floor(fraction(m.id) * LIFETIME_SPREAD * maxLifetimeMs);
}
