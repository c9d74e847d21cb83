import type { EventReason, FleetEvent, Machine } from '../domain/types.js';
import type { EventWrites } from '../store/ports.js';

type NewEvent = Omit<FleetEvent, 'id'>;

/**
 * Collects one tick's machine changes and events for a pool, then writes them together:
 * one batched machine upsert and one event append instead of a write per change.
 */
export class Journal {
  private readonly machines = new Map<string, Machine>();
  private readonly events: NewEvent[] = [];

  constructor(
    private readonly pool: string,
    private readonly now: number,
  ) {}

  save(m: Machine): void {
    this.machines.set(m.id, m);
  }

  event(reason: EventReason, message: string, machine?: string, data?: Record<string, unknown>): void {
    this.events.push({ at: this.now, pool: this.pool, machine, reason, message, data });
  }

  /** An event built by one of the typed constructors (see pool/events.ts). */
  add(e: Pick<FleetEvent, 'reason' | 'message' | 'machine' | 'data'>): void {
    this.event(e.reason, e.message, e.machine, e.data);
  }

  /** Writes the machines and events collected, in one transaction (see `recordChanges`). */
  async flush(store: EventWrites): Promise<FleetEvent[]> {
    const written = this.machines.size > 0 || this.events.length > 0 ? await store.recordChanges([...this.machines.values()], this.events) : [];
    this.machines.clear();
    this.events.length = 0;
    return written;
  }
}
