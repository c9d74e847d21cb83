import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CallObserver } from './observed.js';
import { ACTION_KINDS } from './provider.js';
import type { LimiterStats } from './rate-limited.js';

/** Anything that reports rate-limiter statistics: the providers as src/compose/providers.ts builds them. */
export interface StatsSource {
  stats(): LimiterStats;
}

/** Seconds: from a fast local answer to a cloud call that took half a minute. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * A process's provider-call figures, on the registry it serves at /metrics: each call's
 * latency as `observed` reports it, and the limiters' counters and budgets, copied at scrape
 * time. `flotte controller` registers these alone; `flotte up` and `flotte api` register them beside
 * the fleet's figures (src/api/metrics.ts), so one dashboard reads them all.
 */
export class ProviderCallMetrics {
  private readonly calls: Counter;
  private readonly throttles: Counter;
  private readonly retries: Counter;
  private readonly errors: Counter;
  private readonly budget: Gauge;
  private readonly latency: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['provider', 'action'];
    this.calls = new Counter({ name: 'flotte_provider_calls_total', help: 'Requests sent to a provider, by rate-limit action kind', labelNames, registers });
    this.throttles = new Counter({ name: 'flotte_provider_throttles_total', help: 'Provider requests answered with a throttle', labelNames, registers });
    this.retries = new Counter({ name: 'flotte_provider_retries_total', help: 'Provider requests retried', labelNames, registers });
    this.errors = new Counter({ name: 'flotte_provider_errors_total', help: 'Provider failures handed back after retries', labelNames, registers });
    this.budget = new Gauge({ name: 'flotte_provider_bucket_tokens', help: 'Client-side request budget left, by action kind', labelNames, registers });
    this.latency = new Histogram({ name: 'flotte_provider_call_duration_seconds', help: 'Provider call latency by method and outcome', labelNames: ['provider', 'method', 'outcome'], buckets: LATENCY_BUCKETS, registers });
  }

  readonly observe: CallObserver = (provider, method, seconds, outcome) => this.latency.observe({ provider, method, outcome }, seconds);

  /** Sets the counters and budgets to what the limiters report now. */
  refresh(providers: ReadonlyMap<string, StatsSource>): void {
    for (const c of [this.calls, this.throttles, this.retries, this.errors]) c.reset();
    this.budget.reset();
    for (const [provider, source] of providers) {
      const stats = source.stats();
      for (const action of ACTION_KINDS) {
        const a = stats.byAction[action];
        this.calls.inc({ provider, action }, a.calls);
        this.throttles.inc({ provider, action }, a.throttled);
        this.retries.inc({ provider, action }, a.retried);
        this.errors.inc({ provider, action }, a.errors);
        this.budget.set({ provider, action }, stats.buckets[action].tokens);
      }
    }
  }
}
