import type { MetricReading } from '../domain/scaling/decision.js';
import { forecastsFor, MetricHistory, predictedMetrics, type Forecast } from '../domain/scaling/forecast.js';
import type { PolicySpec, ScalingSpec } from '../domain/scaling/spec.js';
import type { Machine } from '../domain/types.js';
import type { DecisionsPort } from '../store/ports.js';
import { BOOT_LEAD_SAMPLE, DEFAULT_BOOT_LEAD_S } from './constants.js';

/** The metric histories a pool's predictive policies read, and which settings they were built for. */
export interface Histories {
  key: string;
  byMetric: Map<string, MetricHistory>;
}

/** One evaluation of a pool: what it read and when. */
export interface Evaluation {
  pool: string;
  spec: ScalingSpec;
  readings: ReadonlyMap<string, MetricReading>;
  machines: readonly Machine[];
  now: number;
}

const PAGE = 1_000;

/**
 * This evaluation's forecasts for a pool's predictive policies (none without one). The history
 * is the metric readings the autoscaler already stores in its decisions: rebuilt from them on
 * first use (or when the policies change), then kept up by each evaluation's fresh readings.
 */
export async function predict(store: DecisionsPort, held: Histories | undefined, at: Evaluation): Promise<{ histories?: Histories; forecasts?: Map<PolicySpec, Forecast> }> {
  const { pool, spec, readings, machines, now } = at;
  const wanted = predictedMetrics(spec);
  if (wanted.size === 0) return {};
  const key = JSON.stringify([...wanted]);
  const histories = held?.key === key ? held : { key, byMetric: await loadHistories(store, pool, wanted, now) };
  for (const [metric, h] of histories.byMetric) {
    const r = readings.get(metric);
    if (r && !('error' in r)) h.add(r.at, r.value);
  }
  return { histories, forecasts: forecastsFor(spec, histories.byMetric, now, bootSeconds(machines)) };
}

/** Reads back, page by page, the metric values of the pool's stored decisions within each history. */
async function loadHistories(store: DecisionsPort, pool: string, wanted: Map<string, number>, now: number): Promise<Map<string, MetricHistory>> {
  const out = new Map([...wanted].map(([m, keepMs]) => [m, new MetricHistory(keepMs)]));
  const since = now - Math.max(...wanted.values());
  const rows: { metric: string; at: number; value: number }[] = [];
  for (let before: number | undefined; ; ) {
    const page = await store.listDecisions({ pool, since, before, limit: PAGE });
    for (const d of page) for (const i of d.inputs) if (out.has(i.metric) && i.value !== undefined && i.at !== undefined && i.problem === undefined) rows.push({ metric: i.metric, at: i.at, value: i.value });
    if (page.length < PAGE) break;
    before = page.at(-1)!.id;
  }
  // Oldest first, as they were read: a history prunes behind its newest sample.
  for (const r of rows.reverse()) out.get(r.metric)!.add(r.at, r.value);
  return out;
}

/** `lead: auto`: the median boot (launch to ready) of the pool's most recent machines. */
export function bootSeconds(machines: readonly Machine[]): number {
  const boots = machines
    .filter((m) => m.readyAt !== undefined)
    .sort((a, b) => b.launchedAt - a.launchedAt)
    .slice(0, BOOT_LEAD_SAMPLE)
    .map((m) => (m.readyAt! - m.launchedAt) / 1000)
    .sort((a, b) => a - b);
  return boots.length === 0 ? DEFAULT_BOOT_LEAD_S : boots[boots.length >> 1]!;
}
