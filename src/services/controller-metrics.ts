import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { TickReport } from '../control/controller.js';
import type { Ownership } from '../control/ownership.js';
import { ProviderCallMetrics, type StatsSource } from '../providers/call-metrics.js';
import { StoreStatementMetrics } from '../store/statements.js';
import type { Store } from '../store/store.js';

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
  private readonly providerCalls = new ProviderCallMetrics(this.registry);
  private readonly statements = new StoreStatementMetrics(this.registry);
  private providers: ReadonlyMap<string, StatsSource> = new Map();

  constructor(
    private readonly ownership: Ownership | undefined,
    /** Whose statement counts each scrape reports. */
    private readonly store: Pick<Store, 'dialect' | 'statements'>,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'flotte_controller_process_' });
  }

  /** Given to the providers as they are built (src/compose/providers.ts): every call this controller makes. */
  readonly observeProviderCall = this.providerCalls.observe;

  /** The providers whose limiter figures each scrape reports. */
  watch(providers: ReadonlyMap<string, StatsSource>): void {
    this.providers = providers;
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
    this.providerCalls.refresh(this.providers);
    this.statements.refresh(this.store);
    return this.registry.metrics();
  }
}
