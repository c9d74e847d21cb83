import type { PlanResult, ScenarioResult } from '../result.js';

/** Seconds as a person reads them: 0 s, 42 s, 3.5 min, 2.1 h. */
export function duration(s: number): string {
  if (s < 90) return `${+s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 5400) return `${+(s / 60).toFixed(1)} min`;
  return `${+(s / 3600).toFixed(1)} h`;
}

const money = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: n < 100 ? 2 : 0 });

/** The comparison, one row per scenario: what `flotte plan` prints. */
export function summaryRows(r: PlanResult): { headers: string[]; rows: string[][] } {
  const headers = ['scenario', 'market', 'size', '$/hour', '$/month', 'total $', 'machine-h', 'peak', 'mean', 'util', 'p50', 'p95', 'p99', 'max', `over SLO ${duration(r.sloSeconds)}`, 'out/in', 'API calls', 'runs out'];
  const rows = r.scenarios.map((s: ScenarioResult) => [
    s.name,
    s.market,
    `${s.size.name} (${s.size.throughput}/s)`,
    money(s.cost.perHour),
    money(s.cost.perMonth),
    money(s.cost.total),
    money(s.machineHours),
    String(s.machines.peak),
    String(Math.round(s.machines.mean)),
    `${Math.round(s.capacity.utilization * 100)}%`,
    duration(s.queueDelay.p50),
    duration(s.queueDelay.p95),
    duration(s.queueDelay.p99),
    duration(s.queueDelay.max),
    duration(s.timeOverSlo.seconds),
    `${s.scaling.scaleOuts}/${s.scaling.scaleIns}`,
    String(s.apiCalls.total),
    s.forecast ? (s.forecast.runsOutMonth === null ? `> month ${s.forecast.months.length - 1}` : `month ${s.forecast.runsOutMonth}`) : '-',
  ]);
  return { headers, rows };
}

/** Per forecast month: the load factor and, per scenario, whether the SLO held and at what cost. */
export function forecastRows(r: PlanResult): { headers: string[]; rows: string[][] } | undefined {
  const withForecast = r.scenarios.filter((s) => s.forecast);
  if (withForecast.length === 0) return undefined;
  const months = withForecast[0]!.forecast!.months;
  const headers = ['month', 'load ×', ...withForecast.map((s) => s.name)];
  const rows = months.map((m, i) => [
    String(m.month),
    m.factor.toFixed(2),
    ...withForecast.map((s) => {
      const f = s.forecast!.months[i]!;
      return `${f.meetsSlo ? 'ok' : 'OVER SLO'} p99 ${duration(f.p99Delay)} $${money(f.costPerMonth)}/mo peak ${f.peakMachines}`;
    }),
  ]);
  return { headers, rows };
}
