import type { EventReason, Machine } from '../domain/types.js';

/**
 * A machine the cloud is about to take back (a Spot interruption notice, a scheduled
 * retirement), reported by its agent or read from the provider. `at` is when it goes.
 */
export interface Interruption {
  machine: string;
  at: number;
  /** Fixed reason string for events: `SpotInterruption`, `RebalanceRecommendation`… */
  reason: EventReason;
}

/** Terminate the doomed machine this long before the cloud would, even without a ready replacement. */
export const INTERRUPTION_MARGIN_MS = 15_000;

/**
 * Where notices arrive (the agent's report handler, a provider watcher) and where the
 * controller reads them each tick. In memory: a notice lives two minutes, and after a
 * controller restart the agent's next report brings it again.
 */
export class InterruptionInbox {
  private readonly notices = new Map<string, Interruption>();
  private readonly announced = new Set<string>();

  report(n: Interruption): void {
    const prior = this.notices.get(n.machine);
    if (!prior || n.at < prior.at) this.notices.set(n.machine, n);
  }

  get(machine: string): Interruption | undefined {
    return this.notices.get(machine);
  }

  /** True the first time only: the event is written once per notice. */
  announce(machine: string): boolean {
    if (this.announced.has(machine)) return false;
    this.announced.add(machine);
    return true;
  }

  forget(machine: string): void {
    this.notices.delete(machine);
    this.announced.delete(machine);
  }

  size(): number {
    return this.notices.size;
  }
}

export interface InterruptionPlan {
  /** Noticed machines still counted live: each gets a replacement launched above desired now. */
  replace: string[];
  /** Doomed machines to terminate now: their replacement is ready, or their time is nearly up. */
  terminate: string[];
}

const COUNTED: ReadonlySet<Machine['state']> = new Set(['requested', 'launching', 'booting', 'ready', 'rebooting', 'unhealthy']);

/**
 * Pure: replacement first, then the doomed machine. A noticed machine is replaced as surge
 * (plan() sees a desired one higher), and terminated once the pool has its target of ready
 * machines without it, or INTERRUPTION_MARGIN_MS before the cloud would take it anyway.
 */
export function planInterruptions(machines: readonly Machine[], notice: (id: string) => Interruption | undefined, target: number, now: number): InterruptionPlan {
  const replace: string[] = [];
  let ready = 0;
  for (const m of machines) {
    if (notice(m.id)) {
      if (COUNTED.has(m.state)) replace.push(m.id);
    } else if (m.state === 'ready') ready++;
  }
  const terminate = replace.filter((id) => ready >= target || now >= notice(id)!.at - INTERRUPTION_MARGIN_MS);
  return { replace, terminate };
}
