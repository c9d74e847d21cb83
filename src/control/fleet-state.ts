import type { Machine } from '../domain/types.js';
import type { MachinesPort } from '../store/ports.js';

/**
 * The controller's write-through cache of machines that are not gone. The controller is the
 * only writer of a pool's machines while it owns the pool, so reading the store once at start
 * (or, with shared pools, when a pool is acquired) is enough; each tick then costs
 * O(machines) in memory and writes only what changed.
 */
export class FleetState {
  private readonly pools = new Map<string, Map<string, Machine>>();

  static async load(store: Pick<MachinesPort, 'listMachines'>): Promise<FleetState> {
    const state = new FleetState();
    for (const m of await store.listMachines()) state.put(m);
    return state;
  }

  machines(pool: string): Map<string, Machine> {
    let map = this.pools.get(pool);
    if (!map) this.pools.set(pool, (map = new Map()));
    return map;
  }

  get(id: string, pool: string): Machine | undefined {
    return this.pools.get(pool)?.get(id);
  }

  put(m: Machine): void {
    if (m.state === 'gone') this.pools.get(m.pool)?.delete(m.id);
    else this.machines(m.pool).set(m.id, m);
  }

  /** A pool just acquired: its machines as the store has them now (another controller may have changed them). */
  replacePool(pool: string, machines: readonly Machine[]): void {
    this.pools.set(pool, new Map(machines.filter((m) => m.state !== 'gone').map((m) => [m.id, m])));
  }

  /** A pool whose lease moved to another controller: forget it, that controller is its writer now. */
  dropPool(pool: string): void {
    this.pools.delete(pool);
  }

  count(): number {
    let n = 0;
    for (const map of this.pools.values()) n += map.size;
    return n;
  }
}
