import { writeFile } from 'node:fs/promises';
import { formatConfigError } from '../../config/load.js';
import { loadPlanFile } from '../../planner/load.js';
import { writeSvgCharts } from '../../planner/report/export.js';
import { renderHtml } from '../../planner/report/html.js';
import { forecastRows, summaryRows } from '../../planner/report/table.js';
import { runPlan } from '../../planner/run-plan.js';
import { CliError } from '../client.js';
import { printJson, println, table } from '../output.js';

export interface PlanOptions {
  file: string;
  json?: boolean;
  html?: string;
  svg?: string;
}

/**
 * `flotte plan -f plan.yaml`: replays every scenario locally (no server: the planner is the
 * sim cloud, the controller and the policies in this process) and prints the comparison.
 */
export async function planCommand(opts: PlanOptions): Promise<void> {
  const loaded = await loadPlanFile(opts.file);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`${formatConfigError(e)}\n`);
    throw new CliError(`${opts.file}: ${loaded.errors.length} problem(s)`, 2);
  }
  const progress = process.stderr.isTTY && !opts.json ? (what: string) => process.stderr.write(`\rreplaying ${what}…`.padEnd(60)) : undefined;
  const result = await runPlan(loaded.plan, { onProgress: progress });
  if (progress) process.stderr.write('\r'.padEnd(61) + '\r');
  if (opts.html) await writeFile(opts.html, renderHtml(result));
  const svgs = opts.svg ? await writeSvgCharts(result, opts.svg) : [];
  if (opts.json) return printJson(result);
  const s = summaryRows(result);
  println(table(s.headers, s.rows));
  if (result.warmupSeconds) println(`(figures from ${result.start} on; the ${result.warmupSeconds / 3600} h before were replayed as warm-up and left out)`);
  const f = forecastRows(result);
  if (f) {
    println();
    println(table(f.headers, f.rows));
  }
  if (opts.html) println(`\nwrote ${opts.html}`);
  if (svgs.length) println(`wrote ${svgs.length} SVG charts to ${opts.svg}`);
}
