import type { ConditionsPort, IntentsPort, MachinesPort, OperationsPort, PoolsPort } from '../store/ports.js';

/** An operator resumes healing this long after the brake tripped, once the faults have cleared. */
const OPERATOR_RESUME_MS = 10 * 60_000;

/**
 * What a person on call does in a campaign: resume healing once the faults are over and the
 * brake has held a while (the brake waits for a person by design, so a campaign needs one).
 */
export class OnCall {
  private pausedSince = new Map<string, number>();

  constructor(private readonly store: ConditionsPort) {}

  /** Looks at the paused pools; true when it resumed one (convergence is measured from then). */
  async step(atMs: number, quiet: boolean): Promise<boolean> {
    const paused = await this.store.listHealingPaused();
    this.pausedSince = new Map([...paused.keys()].map((p) => [p, this.pausedSince.get(p) ?? atMs]));
    if (!quiet) return false;
    let resumed = false;
    for (const [pool, since] of this.pausedSince) {
      if (atMs - since < OPERATOR_RESUME_MS) continue;
      await this.store.setHealingPaused(pool, null);
      this.pausedSince.delete(pool);
      resumed = true;
    }
    return resumed;
  }
}

/** Every pool at its size with every machine ready, and nothing in flight: the campaign may take longer steps. */
export async function allSettled(store: OperationsPort & IntentsPort & PoolsPort & MachinesPort): Promise<boolean> {
  if ((await store.listOperations({ active: true })).length) return false;
  if ((await store.listIntents({ status: 'open' })).length) return false;
  const pools = await store.listPools();
  const machines = await store.listMachines();
  for (const p of pools) {
    if (p.suspended) continue;
    const mine = machines.filter((m) => m.pool === p.name);
    if (mine.length !== Math.min(p.max, Math.max(p.min, p.desired)) || mine.some((m) => m.state !== 'ready')) return false;
  }
  return true;
}
