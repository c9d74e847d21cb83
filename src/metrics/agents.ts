import type { Clock } from '../clock/clock.js';
import type { AgentLoadReader, MetricSource } from './source.js';
import { MetricReadError } from './source.js';

/**
 * Average CPU or load, or total busy work, of a pool's warm machines as their agents report it.
 * Without a reader (no agents wired in) or without reports, the read fails: the pool holds.
 */
export function agentsSource(clock: Clock, reader: AgentLoadReader | undefined, pool: string, measure: 'cpu' | 'load' | 'busy', warmupSeconds: number): MetricSource {
  return {
    async read() {
      if (!reader) throw new MetricReadError('no agent reports are available to this controller');
      const load = await reader.poolLoad(pool, warmupSeconds);
      if (!load || load.machines === 0) throw new MetricReadError(`no warm machine of ${pool} reported load (warm-up ${warmupSeconds} s)`);
      return { value: load[measure], at: Math.min(load.at, clock.now()) };
    },
    close: () => Promise.resolve(),
  };
}

/** What the store-backed reader needs: the heartbeats the agents write and the machines' ready times. */
export interface HeartbeatStore {
  listHeartbeats(): Promise<{ machine: string; pool: string; lastAt: number; busy: number; load: { load1: number; cpu: number } }[]>;
  listMachines(query?: { pool?: string }): Promise<{ id: string; state: string; readyAt?: number | undefined }[]>;
}

/** Reads pool load from the agents' stored heartbeats; machines in warm-up do not count. */
export function storeAgentLoad(store: HeartbeatStore, clock: Clock): AgentLoadReader {
  return {
    async poolLoad(pool, warmupSeconds) {
      const now = clock.now();
      const [beats, machines] = await Promise.all([store.listHeartbeats(), store.listMachines({ pool })]);
      const warm = new Set(machines.filter((m) => m.state === 'ready' && m.readyAt !== undefined && now - m.readyAt >= warmupSeconds * 1000).map((m) => m.id));
      const counted = beats.filter((b) => b.pool === pool && warm.has(b.machine));
      if (counted.length === 0) return undefined;
      const sum = (f: (b: (typeof counted)[number]) => number) => counted.reduce((a, b) => a + f(b), 0);
      return { cpu: sum((b) => b.load.cpu) / counted.length, load: sum((b) => b.load.load1) / counted.length, busy: sum((b) => b.busy), machines: counted.length, at: Math.min(...counted.map((b) => b.lastAt)) };
    },
  };
}
