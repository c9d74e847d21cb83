import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { freshBuild } from '../bin/fresh-build.js';
import { ROOT } from '../test/support/process.js';

/** One measured figure: what, how much, and the target it is held to. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target?: { op: '<' | '>'; value: number } | undefined;
  detail?: Record<string, unknown>;
  /** The machine's 1-minute load average when the bench that measured this began and ended (set by run.ts). */
  load?: { start: number; end: number } | undefined;
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

/** The 1-minute load average now, to two decimals. */
export const loadNow = (): number => Math.round(loadavg()[0]! * 100) / 100;

/** Above this 1-minute load, wall-clock figures measure the neighbours as much as flotte (2 cores, shared). */
const BUSY_LOAD = 1;

/** One line of bench/history.jsonl: a run's figures (without their detail) and where they were measured. */
export interface HistoryEntry {
  at: string;
  commit: string;
  /** Sources differed from the commit (uncommitted changes) when the run began. */
  dirty: boolean;
  node: string;
  machine: { cores: number; cpu: string };
  load: { start: number; end: number };
  results: Omit<BenchResult, 'detail'>[];
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** The newest earlier figure of each name in the history file. */
function previous(history: string): Map<string, { value: number; at: string; commit: string }> {
  const out = new Map<string, { value: number; at: string; commit: string }>();
  if (!existsSync(history)) return out;
  for (const line of readFileSync(history, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as HistoryEntry;
    for (const r of e.results) out.set(r.name, { value: r.value, at: e.at, commit: e.commit });
  }
  return out;
}

const change = (now: number, before: number | undefined): string =>
  before === undefined ? 'new' : before === 0 ? (now === 0 ? '=' : 'was 0') : `${now >= before ? '+' : ''}${(((now - before) / Math.abs(before)) * 100).toFixed(1)}%`;

/**
 * Prints the table (each figure with its target and its change since the last run that measured
 * it), the machine and its load, loudly when busy; writes `file` (this run, in full) and appends
 * the run to `history` (bench/history.jsonl, kept in git so a regression shows).
 */
export function report(results: BenchResult[], file: string, history: string): void {
  const last = previous(history);
  const rows = results.map((r) => {
    const ok = met(r);
    const load = r.load ? `${r.load.start.toFixed(1)}→${r.load.end.toFixed(1)}` : '';
    return [r.name, `${r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}`, r.target ? `${r.target.op} ${r.target.value} ${r.unit}` : '', ok === undefined ? '' : ok ? 'ok' : 'MISSED', change(r.value, last.get(r.name)?.value), load];
  });
  const head = ['benchmark', 'value', 'target', '', 'vs last', 'load'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));

  const loads = results.flatMap((r) => (r.load ? [r.load.start, r.load.end] : []));
  const load = { start: loads[0] ?? loadNow(), end: loads.at(-1) ?? loadNow() };
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' };
  console.log(`\nmachine: ${machine.cores} cores (${machine.cpu}), node ${process.version}; 1-min load average ${load.start} at start, ${load.end} at end`);
  const peak = Math.max(0, ...loads);
  if (peak > BUSY_LOAD) {
    const bar = '!'.repeat(78);
    console.log(`${bar}\n!! LOAD ${peak} > ${BUSY_LOAD} on ${machine.cores} cores: wall-clock figures (ms, req/s) are inflated by other work.\n!! Figures on the virtual clock (operations, ratios, counts) are not. Compare wall-clock runs at like load.\n${bar}`);
  }
  const at = new Date().toISOString();
  writeFileSync(file, `${JSON.stringify({ at, node: process.version, machine, load, results }, null, 2)}\n`);
  const entry: HistoryEntry = { at, commit: git(['rev-parse', '--short=12', 'HEAD']), dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '', node: process.version, machine, load, results: results.map(({ detail: _detail, ...r }) => r) };
  appendFileSync(history, `${JSON.stringify(entry)}\n`);
  console.log(`\nwrote ${file}; appended to ${history}`);
}
