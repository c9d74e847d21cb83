import type { LaunchIntent, Machine, PoolSpec } from '../../domain/types.js';
import { TAG } from '../../domain/types.js';
import { statusAt } from '../../providers/sim/sim-machine.js';
import type { SimState } from '../../providers/sim/sim-state.js';

/** What the cloud's own records say against flotte's store, once the fleet has settled. */
export interface Ledger {
  /** Live cloud machines of the cluster that the store does not hold as present. */
  leaked: string[];
  /** Intents the cloud made more machines for than they asked, and machines made under no stored intent. */
  doubled: string[];
  /** Pools with more live cloud machines than their desired size. */
  aboveDesired: string[];
  /** Machines the store holds as present that the cloud has not got (or has terminated). */
  ghosts: string[];
  made: number;
  intended: number;
  live: number;
}

/**
 * Compares the persisted sim cloud with the store. `now` is the wall time the sim's
 * timestamps are read against: a machine whose termination time has not come is still live.
 */
export function reconcileLedger(cloud: SimState, cluster: string, store: { machines: readonly Machine[]; intents: readonly LaunchIntent[]; pools: readonly PoolSpec[] }, now: number): Ledger {
  const ours = cloud.machines.filter((m) => m.tags[TAG.cluster] === cluster);
  const isLive = (m: (typeof ours)[number]) => !['terminating', 'terminated'].includes(statusAt(m, now));
  const live = ours.filter(isLive);
  const stored = new Map(store.machines.map((m) => [m.id, m]));
  const leaked = live.filter((m) => stored.get(m.id)?.state === undefined || stored.get(m.id)!.state === 'gone').map((m) => `${m.id} (pool ${m.tags[TAG.pool] ?? '?'}, intent ${m.tags[TAG.intent] ?? '?'})`);

  const intents = new Map(store.intents.map((i) => [i.id, i]));
  const perIntent = new Map<string, string[]>();
  for (const m of ours) {
    const key = m.tags[TAG.intent] ?? '';
    perIntent.set(key, [...(perIntent.get(key) ?? []), m.id]);
  }
  const doubled: string[] = [];
  for (const [id, ids] of perIntent) {
    const intent = intents.get(id);
    if (!intent) doubled.push(`${ids.length} machines under ${id ? `intent ${id}, which the store does not hold` : 'no intent tag'}: ${ids.slice(0, 6).join(' ')}`);
    else if (ids.length > intent.count) doubled.push(`intent ${id} (pool ${intent.pool}) asked for ${intent.count} and the cloud made ${ids.length}: ${ids.join(' ')}`);
  }
  const intended = store.intents.reduce((n, i) => n + i.count, 0);
  if (ours.length > intended) doubled.push(`the cloud made ${ours.length} machines in all, more than the ${intended} intended`);

  const aboveDesired: string[] = [];
  for (const p of store.pools) {
    const n = live.filter((m) => m.tags[TAG.pool] === p.name).length;
    if (n > p.desired) aboveDesired.push(`${p.name}: ${n} live machines, desired ${p.desired}`);
  }
  const cloudLive = new Set(live.map((m) => m.id));
  const ghosts = store.machines.filter((m) => m.state !== 'gone' && !cloudLive.has(m.id)).map((m) => `${m.id} (pool ${m.pool}, ${m.state})`);
  return { leaked, doubled, aboveDesired, ghosts, made: ours.length, intended, live: live.length };
}
