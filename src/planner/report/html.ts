import type { PlanResult } from '../result.js';
import { CHART_KINDS, scenarioCharts } from './charts.js';
import { escapeXml as esc } from './svg-chart.js';
import { forecastRows, summaryRows } from './table.js';

const STYLE = `body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0;font-size:13px}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:right;white-space:nowrap}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
.grid{display:grid;grid-auto-flow:column;grid-auto-columns:max-content;gap:12px;overflow-x:auto}.col h3{margin:4px 0}.note{color:#666;font-size:13px}`;

function table(t: { headers: string[]; rows: string[][] }): string {
  const head = `<tr>${t.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  return `<table>${head}${t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

/**
 * The whole report as one HTML file: tables and inline SVG charts, no script, no external
 * URL, so it opens from disk or an email attachment and prints as it shows.
 */
export function renderHtml(r: PlanResult, title = 'flotte capacity plan'): string {
  const days = +(r.durationSeconds / 86_400).toFixed(2);
  const cols = r.scenarios
    .map((s) => {
      const charts = scenarioCharts(r, s);
      return `<div class="col" data-scenario="${esc(s.name)}"><h3>${esc(s.name)}</h3><div class="note">${esc(`${s.provider} · ${s.market} · ${s.size.name}`)}</div>${CHART_KINDS.map((k) => charts[k]).join('<br>')}</div>`;
    })
    .join('');
  const forecast = forecastRows(r);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>
<h1>${esc(title)}</h1>
<p class="note">${esc(`Replayed ${days} days from ${r.start} in ${r.stepSeconds}-second steps, seed ${r.seed}; work in ${r.unit}; SLO: queue delay ≤ ${r.sloSeconds} s. Each scenario ran the real autoscaling policy and controller against the simulated cloud.`)}</p>
<h2>Comparison</h2>${table(summaryRows(r))}
${forecast ? `<h2>Growth forecast</h2>${table(forecast)}` : ''}
<h2>Side by side</h2><div class="grid">${cols}</div>
</body></html>
`;
}
