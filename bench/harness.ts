import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { freshBuild } from '../bin/fresh-build.js';
import { ROOT } from '../test/support/process.js';

/** One measured figure: what, how much, and the target it is held to. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target?: { op: '<' | '>'; value: number } | undefined;
  detail?: Record<string, unknown>;
}

export type Bench = () => Promise<BenchResult[]>;

/** The CLI as users run it is the built one: build first when sources changed since the last build. */
export function ensureBuilt(): void {
  if (!freshBuild()) execFileSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: ROOT });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** Times `fn` `runs` times after `warmup` runs; milliseconds. */
export async function timeRuns(fn: () => unknown, runs: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

export const met = (r: BenchResult): boolean | undefined =>
  r.target === undefined ? undefined : r.target.op === '<' ? r.value < r.target.value : r.value > r.target.value;

export function report(results: BenchResult[], file: string): void {
  const rows = results.map((r) => {
    const ok = met(r);
    return [r.name, `${r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}`, r.target ? `${r.target.op} ${r.target.value} ${r.unit}` : '', ok === undefined ? '' : ok ? 'ok' : 'MISSED'];
  });
  const head = ['benchmark', 'value', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}
