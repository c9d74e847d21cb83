import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { TickReport } from '../control/controller.js';
import type { Ownership } from '../control/ownership.js';

/**
 * A controller process's own Prometheus figures, on a registry of its own like ApiMetrics
 * (src/api/metrics.ts): fleet-wide gauges are the API's job; these say what this controller does.
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly ticks = new Counter({ name: 'flotte_controller_ticks_total', help: 'Reconcile ticks run by this controller', registers: [this.registry] });
  private readonly pools = new Gauge({ name: 'flotte_controller_pools_reconciled', help: 'Pools reconciled in the last tick (the ones this controller owns)', registers: [this.registry] });
  private readonly owned = new Gauge({ name: 'flotte_controller_leases_held', help: 'Pool leases this controller holds', registers: [this.registry] });
  private readonly members = new Gauge({ name: 'flotte_controller_members', help: 'Live controllers in the heartbeat table, as last seen', registers: [this.registry] });
  private readonly refused = new Gauge({ name: 'flotte_controller_fenced_refusals', help: 'Writes refused because a lease had moved on, since start', registers: [this.registry] });

  constructor(private readonly ownership: Ownership | undefined) {
    collectDefaultMetrics({ register: this.registry, prefix: 'flotte_controller_process_' });
  }

  readonly observeTick = (report: TickReport): void => {
    this.ticks.inc();
    this.pools.set(report.pools);
  };

  async scrape(): Promise<string> {
    if (this.ownership) {
      this.owned.set(this.ownership.owned().length);
      this.members.set(this.ownership.members().length);
      this.refused.set(this.ownership.refusals);
    }
    return this.registry.metrics();
  }
}
