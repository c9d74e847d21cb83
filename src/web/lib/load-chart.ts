import { count } from './format.js';
import type { DecisionView, PoolSummary } from '../../api/contract/index.js';

/** A live reading of the pool, taken while the page is open (the API keeps no history of `ready`). */
export interface CapacitySample {
  /** Seconds since the epoch. */
  t: number;
  ready: number;
  desired: number;
}

export type Scale = 'load' | 'machines';

export interface ChartSeries {
  label: string;
  color: string;
  scale: Scale;
  /** Canvas dash pattern: dashed lines are what the autoscaler asked for, solid ones what is. */
  dash?: number[];
  /** Shades the area under the line: capacity reads as a region that load stays inside or spills over. */
  fill?: string;
  values: (number | null)[];
}

export interface ChartAxis {
  scale: Scale;
  label: string;
  side: 'left' | 'right';
  range: [number, number];
}

/** Everything the overview's chart draws, decided without a browser. */
export interface LoadChartModel {
  times: number[];
  series: ChartSeries[];
  axes: ChartAxis[];
  /** What the axes mean, in words: under the chart and in its accessible name. */
  caption: string;
  /** The latest readings, in words: the chart read at a glance. */
  now: string;
}

/** The metric and target the chart measures load by: a pool's first target-tracking policy, else its first step policy. */
export interface LoadPolicy {
  metric: string;
  /** Per machine, in the metric's units; only target tracking has one. */
  target?: number;
  aggregate: 'total' | 'average';
}

export function loadPolicy(pool: Pick<PoolSummary, 'scaling'>): LoadPolicy | undefined {
  const policies = (pool.scaling?.policies ?? []) as { type?: unknown; metric?: unknown; target?: unknown; aggregate?: unknown }[];
  const tracking = policies.find((p) => p.type === 'target-tracking' && typeof p.metric === 'string' && typeof p.target === 'number');
  if (tracking) return { metric: tracking.metric as string, target: tracking.target as number, aggregate: tracking.aggregate === 'average' ? 'average' : 'total' };
  const step = policies.find((p) => p.type === 'step' && typeof p.metric === 'string');
  return step ? { metric: step.metric as string, aggregate: 'total' } : undefined;
}

/** The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or above `x`: an axis top a person reads at once, and no more than a quarter of the chart left empty. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(x));
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * mag >= x * (1 - 1e-9))!;
  return step * mag;
}

const HEADROOM = 1.08;
const COLORS = { load: '#b45309', ready: '#15803d', desired: '#2457d6', target: '#7c3aed' } as const;
const CAPACITY_FILL = 'rgba(36, 87, 214, 0.12)';
/** Where each line comes from: the API keeps the autoscaler's decisions, but no history of ready machines. */
const SOURCES = 'Load and desired come from the autoscaler\'s decisions; ready machines are sampled while this page is open.';
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const lastOf = (values: (number | null)[]): number | undefined => values.findLast((v): v is number => v !== null);
const maxOf = (values: (number | null)[]): number => values.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);

/**
 * Load (in the metric's units) and capacity (in machines) on two labelled axes. With a
 * target-tracking policy on a total, the machines axis is the load axis divided by the target,
 * so a ready machine sits where its share of load does: where load runs above the ready line the
 * pool is short of capacity, and both lines fill the chart whatever their units.
 */
export function loadChartModel(pool: Pick<PoolSummary, 'name' | 'scaling'>, decisions: readonly DecisionView[], samples: readonly CapacitySample[]): LoadChartModel {
  const policy = loadPolicy(pool);
  const points = new Map<number, { ready?: number; desired?: number; load?: number }>();
  for (const s of samples) points.set(Math.round(s.t), { ready: s.ready, desired: s.desired });
  for (const d of decisions) {
    const t = Math.round(Date.parse(d.at) / 1000);
    const load = policy ? d.inputs.find((i) => i.metric === policy.metric)?.value : undefined;
    points.set(t, { ...points.get(t), desired: d.desired, ...(load !== undefined ? { load } : {}) });
  }
  const times = [...points.keys()].sort((a, b) => a - b);
  const pick = (k: 'ready' | 'desired' | 'load') => times.map((t) => points.get(t)![k] ?? null);
  const ready = pick('ready');
  const desired = pick('desired');
  const load = pick('load');
  const machinesMax = Math.max(maxOf(ready), maxOf(desired));

  // Desired has a history from the first screen (the decisions); ready only from when the page
  // opened. Ready is drawn last, over desired: at steady state the two coincide, and what is in
  // service matters more than what was asked for.
  const machineSeries = (desiredLabel: string, readyLabel: string, fill?: string): ChartSeries[] => [
    { label: desiredLabel, color: COLORS.desired, scale: 'machines', dash: [6, 4], values: desired, ...(fill ? { fill } : {}) },
    { label: readyLabel, color: COLORS.ready, scale: 'machines', values: ready },
  ];
  const nowParts = (extra: string[]): string => {
    const r = lastOf(ready);
    const d = lastOf(desired);
    return ['now:', [...extra, r !== undefined ? `${count(r, 'machine')} ready` : undefined, d !== undefined ? `${fmt(d)} desired` : undefined].filter(Boolean).join(' · ')].join(' ');
  };

  if (!policy) {
    const top = niceCeil(Math.max(1, machinesMax * HEADROOM));
    return {
      times,
      series: machineSeries('desired machines', 'ready machines'),
      axes: [{ scale: 'machines', label: 'machines', side: 'left', range: [0, top] }],
      caption: `machines ready and desired; ${pool.name} has no load metric to draw against them. ${SOURCES}`,
      now: nowParts([]),
    };
  }

  const m = policy.metric;
  const loadNow = lastOf(load);
  const loadWords = loadNow !== undefined ? [`load ${fmt(loadNow)} ${m}`] : [];
  // Load is drawn last, on top: an autoscaler that keeps up holds it right at capacity, where it would otherwise hide.
  const loadSeries: ChartSeries = { label: `load: ${m}`, color: COLORS.load, scale: 'load', values: load };

  if (policy.target !== undefined && policy.aggregate === 'total') {
    const target = policy.target;
    const top = niceCeil(Math.max(1, maxOf(load), machinesMax * target) * HEADROOM);
    const r = lastOf(ready);
    return {
      times,
      series: [...machineSeries(`capacity: desired machines × ${fmt(target)} ${m}`, 'in service: ready machines', CAPACITY_FILL), loadSeries],
      axes: [
        { scale: 'load', label: m, side: 'left', range: [0, top] },
        { scale: 'machines', label: 'machines', side: 'right', range: [0, top / target] },
      ],
      caption: `left axis: load in ${m}; right axis: machines, scaled so one machine stands at its target of ${fmt(target)} ${m}. Where load runs above the shaded capacity, the pool is short of machines. ${SOURCES}`,
      now: nowParts([...loadWords, ...(r !== undefined ? [`capacity ${fmt(r * target)} ${m}`] : [])]),
    };
  }

  const loadTop = niceCeil(Math.max(1, maxOf(load), policy.target ?? 0) * HEADROOM);
  const targetSeries: ChartSeries[] =
    policy.target !== undefined ? [{ label: `target: ${fmt(policy.target)} ${m} per machine`, color: COLORS.target, scale: 'load', dash: [2, 3], values: times.map(() => policy.target!) }] : [];
  return {
    times,
    series: [...targetSeries, ...machineSeries('desired machines', 'ready machines'), loadSeries],
    axes: [
      { scale: 'load', label: policy.aggregate === 'average' && policy.target !== undefined ? `${m} per machine` : m, side: 'left', range: [0, loadTop] },
      { scale: 'machines', label: 'machines', side: 'right', range: [0, niceCeil(Math.max(1, machinesMax * HEADROOM))] },
    ],
    caption: `left axis: load in ${m}${policy.target !== undefined ? `, with the target per machine` : ''}; right axis: machines. ${SOURCES}`,
    now: nowParts(loadWords),
  };
}
