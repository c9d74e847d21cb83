import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { activeConditions, CONDITION_TYPES } from '../domain/conditions.js';
import { MACHINE_STATES } from '../domain/lifecycle.js';
import { ACTIVE_STATUSES, ITEM_STATUSES, OPERATION_KINDS, OPERATION_STATUSES } from '../domain/operations/types.js';
import { LATENCY_BUCKETS, ProviderCallMetrics, type StatsSource } from '../providers/call-metrics.js';
import type { CallObserver } from '../providers/observed.js';
import { StoreStatementMetrics } from '../store/statements.js';
import type { Store } from '../store/store.js';
import { realClock, type Clock } from '../clock/clock.js';

export type { StatsSource };

/**
 * How long one rendering is served. `/metrics` is open to anyone by default, and a rendering
 * reads the whole fleet: at most one per this period keeps a scraper in a loop from taking the
 * store (and, on SQLite, the event loop) away from the API's own callers.
 */
export const METRICS_RENDER_MS = 1_000;

export interface ApiMetricsOptions {
  clock?: Clock | undefined;
  /** METRICS_RENDER_MS when omitted. */
  renderEveryMs?: number | undefined;
}

const ENDED = OPERATION_STATUSES.filter((s) => !ACTIVE_STATUSES.has(s));


/**
 * flotte's Prometheus metrics, on a registry of their own (tests build many apps in one
 * process). Fleet gauges are read from the store at scrape time, so any API process reports
 * the same fleet; provider and request figures are this process's own. A rendering is reused
 * for METRICS_RENDER_MS, whoever asks, and scrapers arriving while one is made wait for it.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly machines = new Gauge({ name: 'flotte_machines', help: 'Machines by pool and lifecycle state', labelNames: ['pool', 'state'], registers: [this.registry] });
  private readonly desired = new Gauge({ name: 'flotte_pool_desired', help: 'Desired size of each pool', labelNames: ['pool'], registers: [this.registry] });
  private readonly ready = new Gauge({ name: 'flotte_pool_ready', help: 'Ready machines of each pool', labelNames: ['pool'], registers: [this.registry] });
  private readonly events = new Counter({ name: 'flotte_events_total', help: 'Controller decisions and machine transitions recorded, by pool and reason (ScaledOut, Replaced, …)', labelNames: ['pool', 'reason'], registers: [this.registry] });
  /** The provider-call figures, under the names `flotte controller` exports too. */
  private readonly providerCalls = new ProviderCallMetrics(this.registry);
  /** The statements this process's store sent: the API's reads and writes, and in `flotte up` the controller's too. */
  private readonly statements = new StoreStatementMetrics(this.registry);
  private readonly opsInFlight = new Gauge({ name: 'flotte_operations_in_flight', help: 'Operations running or paused, by pool, kind and status', labelNames: ['pool', 'kind', 'status'], registers: [this.registry] });
  private readonly opItems = new Gauge({ name: 'flotte_operation_items', help: 'Items (machines) of each active operation by item status: progress is done / all', labelNames: ['operation', 'pool', 'kind', 'status'], registers: [this.registry] });
  private readonly conditions = new Gauge({ name: 'flotte_pool_condition', help: 'Pool conditions: 1 while the condition holds (HealingPaused, ProviderUnavailable, AutoscalingPaused, BlastRadiusHold), else 0', labelNames: ['pool', 'type'], registers: [this.registry] });
  private readonly renders = new Counter({ name: 'flotte_metrics_renders_total', help: 'Times this process read the store to render /metrics (at most one per second, whatever the scrapers do)', registers: [this.registry] });
  private readonly clock: Clock;
  private readonly renderEveryMs: number;
  private rendered: { at: number; text: Promise<string> } | undefined;
  private readonly opsFinished = new Counter({ name: 'flotte_operations_finished_total', help: 'Operations that ended, by pool, kind and final status (failed, rolled-back, …)', labelNames: ['pool', 'kind', 'status'], registers: [this.registry] });
  private readonly requests = new Histogram({ name: 'flotte_api_request_duration_seconds', help: 'API request duration by route and status', labelNames: ['method', 'route', 'status'], buckets: LATENCY_BUCKETS, registers: [this.registry] });

  constructor(opts: ApiMetricsOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.renderEveryMs = opts.renderEveryMs ?? METRICS_RENDER_MS;
    collectDefaultMetrics({ register: this.registry, prefix: 'flotte_process_' });
  }

  readonly observeProviderCall: CallObserver = this.providerCalls.observe;

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.observe({ method, route, status: String(status) }, seconds);
  }

  private async operations(store: Store, pools: readonly string[]): Promise<void> {
    this.opsInFlight.reset();
    this.opItems.reset();
    this.opsFinished.reset();
    // Every series exists at zero first: a rate or increase over it then counts the first end too.
    for (const pool of pools) for (const kind of OPERATION_KINDS) for (const status of ENDED) this.opsFinished.inc({ pool, kind, status }, 0);
    const all = await store.listOperations();
    for (const op of all) if (!ACTIVE_STATUSES.has(op.status)) this.opsFinished.inc({ pool: op.pool, kind: op.kind, status: op.status });
    for (const op of all.filter((o) => ACTIVE_STATUSES.has(o.status))) {
      this.opsInFlight.inc({ pool: op.pool, kind: op.kind, status: op.status });
      for (const s of ITEM_STATUSES) this.opItems.set({ operation: op.id, pool: op.pool, kind: op.kind, status: s }, 0);
      for (const item of await store.listOperationItems(op.id)) this.opItems.inc({ operation: op.id, pool: op.pool, kind: op.kind, status: item.status });
    }
  }

  private async poolConditions(store: Store, pools: readonly string[]): Promise<void> {
    this.conditions.reset();
    for (const pool of pools) for (const type of CONDITION_TYPES) this.conditions.set({ pool, type }, 0);
    // A timed pause past its end no longer holds, though the autoscaler may not have cleared it yet.
    for (const c of activeConditions(await store.listConditions(), this.clock.now())) this.conditions.set({ pool: c.pool, type: c.type }, 1);
  }

  /** The text format, rendered anew only when the last rendering is METRICS_RENDER_MS old (a failed one is not kept). */
  scrape(store: Store, providers: ReadonlyMap<string, StatsSource>): Promise<string> {
    const now = this.clock.now();
    if (this.rendered && now - this.rendered.at < this.renderEveryMs) return this.rendered.text;
    const rendering = { at: now, text: this.render(store, providers) };
    this.rendered = rendering;
    rendering.text.catch(() => {
      if (this.rendered === rendering) this.rendered = undefined;
    });
    return rendering.text;
  }

  /** Refreshes what is read from the store and the providers, then renders the text format. */
  private async render(store: Store, providers: ReadonlyMap<string, StatsSource>): Promise<string> {
    this.renders.inc();
    const [pools, machines, counts] = await Promise.all([store.listPools(), store.listMachines(), store.eventCounts()]);
    this.machines.reset();
    this.desired.reset();
    this.ready.reset();
    for (const p of pools) {
      this.desired.set({ pool: p.name }, p.desired);
      for (const s of MACHINE_STATES) if (s !== 'gone') this.machines.set({ pool: p.name, state: s }, 0);
    }
    for (const m of machines) this.machines.inc({ pool: m.pool, state: m.state });
    for (const p of pools) this.ready.set({ pool: p.name }, machines.filter((m) => m.pool === p.name && m.state === 'ready').length);
    await this.operations(store, pools.map((p) => p.name));
    await this.poolConditions(store, pools.map((p) => p.name));
    this.events.reset();
    for (const c of counts) this.events.inc({ pool: c.pool, reason: c.reason }, c.count);
    this.providerCalls.refresh(providers);
    this.statements.refresh(store);
    return this.registry.metrics();
  }
}
