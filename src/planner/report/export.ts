import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlanResult } from '../result.js';
import { CHART_KINDS, scenarioCharts } from './charts.js';

/** Writes every chart as `<scenario>-<kind>.svg` into `dir`, for slides; returns the paths. */
export async function writeSvgCharts(r: PlanResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const s of r.scenarios) {
    const charts = scenarioCharts(r, s);
    for (const k of CHART_KINDS) {
      const path = join(dir, `${s.name}-${k}.svg`);
      await writeFile(path, `${charts[k]}\n`);
      paths.push(path);
    }
  }
  return paths;
}
