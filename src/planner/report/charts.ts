import type { PlanResult, ScenarioResult } from '../result.js';
import { lineChart } from './svg-chart.js';

export const CHART_KINDS = ['load', 'delay', 'cost'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** The three charts of one scenario, as SVG strings: load vs capacity, queue delay, cost so far. */
export function scenarioCharts(plan: PlanResult, s: ScenarioResult): Record<ChartKind, string> {
  const xs = s.series.map((p) => p.t);
  return {
    load: lineChart({
      title: `${s.name}: load vs capacity`,
      xs,
      unit: `${plan.unit}/s`,
      lines: [
        { name: 'capacity', color: '#2a7ab0', values: s.series.map((p) => p.capacity), area: true },
        { name: 'load', color: '#d9480f', values: s.series.map((p) => p.load) },
      ],
    }),
    delay: lineChart({
      title: `${s.name}: queue delay`,
      xs,
      unit: 'seconds',
      lines: [{ name: 'longest wait', color: '#7048e8', values: s.series.map((p) => p.delay) }],
      guide: { value: plan.sloSeconds, label: `SLO ${plan.sloSeconds} s` },
    }),
    cost: lineChart({
      title: `${s.name}: cost so far`,
      xs,
      unit: 'money',
      lines: [{ name: 'cumulative cost', color: '#2b8a3e', values: s.series.map((p) => p.cost), area: true }],
    }),
  };
}
