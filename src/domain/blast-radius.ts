/**
 * The blast-radius guard: no one change (a scale-in, an apply that shrinks or removes a pool)
 * terminates more than `share` of a pool's healthy machines per interval, unless the request
 * said so (`--allow-destroy`). A typo like `scale web 2` on a pool of 200 then costs at most half
 * of it before someone notices. Replacing dead or unhealthy machines is never held.
 */
export const DEFAULT_BLAST_RADIUS = 0.5;

export interface BlastInput {
  /** Ready machines now. */
  healthy: number;
  /** Healthy machines this guard let go within the interval. */
  taken: number;
  /** The pool's share (0 < share ≤ 1) per interval. */
  share: number;
  /** The change was explicitly allowed to destroy (`--allow-destroy`, `allowDestroy: true`). */
  allowed: boolean;
}

/** How many more healthy machines may be taken now. */
export function blastBudget(input: BlastInput): number {
  if (input.allowed || input.share >= 1) return Number.POSITIVE_INFINITY;
  // Measured against the pool as it was before this interval's takes, so the budget does not shrink as it is spent.
  const base = input.healthy + input.taken;
  // One machine is never a blast: a pool of one or two can still shrink, a machine per interval.
  const limit = Math.max(1, Math.floor(input.share * base));
  return Math.max(0, limit - input.taken);
}

/** Splits the machines a change wants gone into those that go now and those held for a later interval. */
export function holdBack(ids: readonly string[], budget: number): { go: string[]; held: string[] } {
  const n = Math.min(ids.length, budget);
  return { go: ids.slice(0, n), held: ids.slice(n) };
}
