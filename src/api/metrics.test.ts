import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../clock/clock.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { machine } from '../../test/support/domain-fixtures.js';
import { operationsPort } from '../control/operations/api-port.js';
import { observed } from '../providers/observed.js';
import { rateLimited } from '../providers/rate-limited.js';
import { SimCloud } from '../providers/sim/index.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';
import { ApiMetrics } from './metrics.js';
import { issueToken } from './tokens.js';
import { FIXTURE_YAML } from '../../test/support/route-examples.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const family = (all: PromFamily[], name: string): PromFamily => {
  const f = all.find((x) => x.name === name);
  if (!f) throw new Error(`no ${name} in /metrics`);
  return f;
};
const value = (f: PromFamily, labels: Record<string, string>): number => {
  const s = f.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!s) throw new Error(`no ${f.name}${JSON.stringify(labels)}`);
  return Number(s.value ?? s.count);
};

/**
 * The parser folds a histogram's label sets into one sample, so per-series counts are read
 * from the `_count` lines, after the parser has accepted the whole text.
 */
const histogramCount = (text: string, name: string, labels: Record<string, string>): number => {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}_count{`) && want.every((w) => l.includes(w)));
  if (!line) throw new Error(`no ${name}_count${JSON.stringify(labels)}`);
  return Number(line.split(' ').at(-1));
};

/** A fleet and a sim cloud wrapped as main.ts wraps it, with some calls made (one throttled). */
async function world() {
  store = await openStore(':memory:');
  const parsed = parseConfig(FIXTURE_YAML, 'fixture');
  if (!parsed.ok) throw new Error('fixture must parse');
  await store.applyConfig(parsed.applied, realClock.now());
  await store.saveMachines([machine('m-1'), machine('m-2'), machine('m-3', { state: 'booting' })]);
  await store.appendEvents([{ at: 1, pool: 'analysis', reason: 'ScaledOut', message: 'desired 0 → 3' }]);
  const metrics = new ApiMetrics();
  const sim = new SimCloud({ zones: ['sim-a'] }, realClock);
  const provider = rateLimited(observed(sim, metrics.observeProviderCall), { clock: realClock, retry: { maxAttempts: 1 } });
  const template = (await store.getTemplate('small'))!;
  await provider.launch({ token: 'intent-1', template, size: 'm5.large', zone: 'sim-a', count: 2, tags: {} });
  await provider.list({ cluster: 'routes' });
  sim.options.throttleShare = 1;
  await expect(provider.list({ cluster: 'routes' })).rejects.toThrow();
  sim.options.throttleShare = 0;
  const providers = new Map([['sim', provider]]);
  const started = await operationsPort({ store, providers, now: () => realClock.now(), observeMs: 1000, wake: () => undefined }).create({
    kind: 'restart',
    pool: 'analysis',
    strategy: { kind: 'all-at-once' },
    hard: false,
  });
  if ('error' in started) throw new Error(started.error);
  return { metrics, providers, operation: started.operation.id };
}

describe('/metrics', () => {
  it('parses as Prometheus text and holds fleet, decision, provider and API request series', async () => {
    const { metrics, providers, operation } = await world();
    const app = await buildApp({ store: store!, clock: realClock, parseConfig, providers, metrics });
    const { secret } = await issueToken(store!, { name: 'm', role: 'viewer', createdBy: 'test' }, realClock.now());
    await app.inject({ method: 'GET', url: '/api/v1/pools/analysis', headers: { authorization: `Bearer ${secret}` } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const all = parsePrometheusTextFormat(res.body);

    const machines = family(all, 'flotte_machines');
    expect(machines.type).toBe('GAUGE');
    expect(value(machines, { pool: 'analysis', state: 'ready' })).toBe(2);
    expect(value(machines, { pool: 'analysis', state: 'booting' })).toBe(1);
    expect(value(machines, { pool: 'analysis', state: 'draining' })).toBe(0);
    expect(value(family(all, 'flotte_pool_desired'), { pool: 'analysis' })).toBe(3);
    expect(value(family(all, 'flotte_pool_ready'), { pool: 'analysis' })).toBe(2);
    expect(value(family(all, 'flotte_events_total'), { pool: 'analysis', reason: 'ScaledOut' })).toBe(1);

    expect(family(all, 'flotte_provider_calls_total').type).toBe('COUNTER');
    expect(value(family(all, 'flotte_provider_calls_total'), { provider: 'sim', action: 'launch' })).toBe(1);
    expect(value(family(all, 'flotte_provider_calls_total'), { provider: 'sim', action: 'describe' })).toBe(2);
    expect(value(family(all, 'flotte_provider_throttles_total'), { provider: 'sim', action: 'describe' })).toBe(1);
    expect(value(family(all, 'flotte_provider_throttles_total'), { provider: 'sim', action: 'launch' })).toBe(0);
    const latency = family(all, 'flotte_provider_call_duration_seconds');
    expect(latency.type).toBe('HISTOGRAM');
    const latencyOf = (labels: Record<string, string>) => histogramCount(res.body, latency.name, labels);
    expect(latencyOf({ provider: 'sim', method: 'launch', outcome: 'ok' })).toBe(1);
    expect(latencyOf({ provider: 'sim', method: 'list', outcome: 'ok' })).toBe(1);
    expect(latencyOf({ provider: 'sim', method: 'list', outcome: 'throttled' })).toBe(1);
    expect(family(all, 'flotte_provider_bucket_tokens').metrics.length).toBe(3);

    expect(value(family(all, 'flotte_operations_in_flight'), { pool: 'analysis', kind: 'restart', status: 'running' })).toBe(1);
    const items = family(all, 'flotte_operation_items');
    expect(value(items, { operation, status: 'pending' }) + value(items, { operation, status: 'in-progress' })).toBe(2);
    expect(value(items, { operation, status: 'done' })).toBe(0);

    const requests = family(all, 'flotte_api_request_duration_seconds');
    expect(requests.type).toBe('HISTOGRAM');
    expect(histogramCount(res.body, requests.name, { method: 'GET', route: '/api/v1/pools/:name', status: '200' })).toBe(1);

    // The statements the store sent, its own reads for this rendering included; no write came after it.
    const statements = family(all, 'flotte_store_statements_total');
    expect(statements.type).toBe('COUNTER');
    const sent = store!.statements.snapshot();
    expect(value(statements, { dialect: 'sqlite', kind: 'insert' })).toBe(sent.insert);
    expect(value(statements, { dialect: 'sqlite', kind: 'transaction' })).toBe(sent.transaction);
    expect(value(statements, { dialect: 'sqlite', kind: 'select' })).toBeGreaterThan(0);
  });

  it('counts operations that ended by pool, kind and status, so a failed one is still seen once it stopped running', async () => {
    const { metrics, providers, operation } = await world();
    const op = (await store!.getOperation(operation))!;
    await store!.updateOperation({ ...op, status: 'failed', message: '1 machines failed: m-1 (the machine is gone)' });
    const app = await buildApp({ store: store!, clock: realClock, parseConfig, providers, metrics });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    await app.close();
    const all = parsePrometheusTextFormat(res.body);
    const finished = family(all, 'flotte_operations_finished_total');
    expect(finished.type).toBe('COUNTER');
    expect(value(finished, { pool: 'analysis', kind: 'restart', status: 'failed' })).toBe(1);
    // Present at zero before anything ends, so an alert's increase() sees the first failure.
    expect(value(finished, { pool: 'analysis', kind: 'replace', status: 'rolled-back' })).toBe(0);
    expect(value(finished, { pool: 'analysis', kind: 'restart', status: 'succeeded' })).toBe(0);
  });

  it('can be put behind a token', async () => {
    store = await openStore(':memory:');
    const app = await buildApp({ store, clock: realClock, parseConfig, metricsNeedToken: true });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const { secret } = await issueToken(store, { name: 'prom', role: 'viewer', createdBy: 'test' }, realClock.now());
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(200);
    await app.close();
  });

  it('renders at most once a second whoever asks: scrapes within the second get the same text, later ones see changes', async () => {
    store = await openStore(':memory:');
    const parsed = parseConfig(FIXTURE_YAML, 'fixture');
    if (!parsed.ok) throw new Error('fixture must parse');
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9, 0));
    await store.applyConfig(parsed.applied, clock.now());
    const metrics = new ApiMetrics({ clock });
    const app = await buildApp({ store, clock, parseConfig, metrics });
    const scrape = async () => {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      const all = parsePrometheusTextFormat(res.body);
      return { renders: value(family(all, 'flotte_metrics_renders_total'), {}), desired: value(family(all, 'flotte_pool_desired'), { pool: 'analysis' }) };
    };
    // Scrapers arriving together share one render.
    const together = await Promise.all([scrape(), scrape(), scrape()]);
    expect(together.map((s) => s.renders)).toEqual([1, 1, 1]);
    await store.setDesired('analysis', 7);
    await clock.advance(999);
    expect(await scrape()).toEqual({ renders: 1, desired: 3 });
    await clock.advance(1);
    expect(await scrape()).toEqual({ renders: 2, desired: 7 });
    await app.close();
  });
});
