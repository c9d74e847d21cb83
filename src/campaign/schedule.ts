import { Random } from '../domain/random.js';
import { ALL_FAULT_KINDS, FAULT_KINDS, type AnyFaultKind, type Fault, type Schedule } from './types.js';

const HOUR_MS = 3_600_000;

/** Average faults per virtual hour, and the longest a lasting one runs. */
const RATE_PER_HOUR = 3;
const LONGEST_MS: Record<AnyFaultKind, number> = {
  'throttle-storm': 20 * 60_000,
  outage: 10 * 60_000,
  'partial-outage': 20 * 60_000,
  capacity: 30 * 60_000,
  'slow-answers': 15 * 60_000,
  'eventual-consistency': 30 * 60_000,
  death: 0,
  'mass-death': 0,
  'lost-reply': 20 * 60_000,
  'forget-token': 30 * 60_000,
  crash: 0,
  'store-write-failure': 5 * 60_000,
  'config-apply': 0,
  'api-scale': 0,
  'restart-operation': 0,
  'throttle-action': 20 * 60_000,
  'partial-launch': 30 * 60_000,
  'stale-deletes': 20 * 60_000,
  'spot-interruption': 0,
  // HA only: a skew lasts a while; a freeze runs past the lease (ha-world.ts scales it to at least 1.5 leases).
  'clock-skew': 30 * 60_000,
  'controller-freeze': 5 * 60_000,
  'load-spike': 40 * 60_000,
  'flapping-heartbeats': 20 * 60_000,
  // Always past the agents' heartbeat timeout (20 s): the shortest drawn is a fifth of this.
  'controller-down': 10 * 60_000,
  'env-rush': 0,
};

/**
 * Draws a campaign's faults from one generator seeded with `seed`: the same seed, hours, pools
 * and kinds always give the same schedule. Faults come at exponentially spaced times; the last
 * hour is left quiet so every pool has a chance to converge before the end.
 */
export function drawSchedule(seed: number, hours: number, pools: number, kinds: readonly AnyFaultKind[] = FAULT_KINDS): Schedule {
  const rng = new Random(seed);
  const faults: Fault[] = [];
  const end = Math.max(0, hours - 1) * HOUR_MS;
  let at = rng.exponential(RATE_PER_HOUR / HOUR_MS);
  while (kinds.length > 0 && at < end) {
    const kind = kinds[rng.int(kinds.length)]!;
    const longest = LONGEST_MS[kind];
    faults.push({
      kind,
      atMs: Math.round(at),
      durationMs: longest === 0 ? 0 : Math.round(rng.uniform(longest / 5, longest)),
      pool: rng.int(pools),
      level: rng.next(),
    });
    at += rng.exponential(RATE_PER_HOUR / HOUR_MS);
  }
  return { seed, hours, pools, faults };
}

/** Reads a list like `outage,crash` into kinds, naming any unknown one. */
export function parseKinds(list: string): AnyFaultKind[] {
  const out: AnyFaultKind[] = [];
  for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(ALL_FAULT_KINDS as readonly string[]).includes(part)) throw new Error(`--faults: unknown fault "${part}"; known: ${ALL_FAULT_KINDS.join(', ')}`);
    out.push(part as AnyFaultKind);
  }
  return out;
}
