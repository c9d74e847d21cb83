import type { AgentHeartbeat, HealthPolicy } from '../domain/health.js';
import type { Machine } from '../domain/types.js';
import type { ConditionsPort, HeartbeatsPort, ProtectionsPort } from '../store/ports.js';
import type { HealingPause } from '../store/store.js';
import type { PoolTick } from './pool/tick.js';

// What the health step reads: the store's snapshot for all pools, and one pool's view of it.

/** What the store says about agents, pauses and protections, read once per tick for all pools. */
export interface HealthSnapshot {
  beats: Map<string, AgentHeartbeat>;
  paused: Map<string, HealingPause>;
  protections: Map<string, boolean>;
}

export async function readSnapshot(store: HeartbeatsPort & ConditionsPort & ProtectionsPort): Promise<HealthSnapshot> {
  const [beats, paused, protections] = await Promise.all([store.listHeartbeats(), store.listHealingPaused(), store.listProtections()]);
  return { beats: new Map(beats.map((b) => [b.machine, b])), paused, protections };
}

/** What the health step reads and writes of a pool's tick. */
export type HealthTick = Pick<PoolTick, 'spec' | 'machines' | 'seen' | 'journal' | 'now' | 'record'>;

/** One pool's health view for one tick. */
export interface PoolHealth {
  policy: HealthPolicy;
  /** The machines run agents: `ready` waits for the join and heartbeats decide health. */
  agent: boolean;
  paused: boolean;
  /** The brake's stored pause, when healing is paused. */
  pause: HealingPause | undefined;
  /** Since when this controller has watched the pool (see `HealthInput.observedFrom`). */
  observedFrom: number;
  protections: ReadonlyMap<string, boolean>;
  beat(id: string): AgentHeartbeat | undefined;
  /** Joined and heartbeating within the timeout. */
  joined(m: Machine, now: number): boolean;
}
