import type { AnyFaultKind as FaultKind, RunResult, Schedule } from './types.js';

export interface CampaignReport {
  runs: RunResult[];
  virtualHours: number;
  faultsByKind: Partial<Record<FaultKind, number>>;
  crashes: number;
  checks: number;
  violations: number;
  seeds: number[];
  failedSeeds: number[];
  wallMs: number;
  /** Shrunk schedules of failed runs, when shrinking ran. */
  minimal?: Schedule[] | undefined;
}

export function summarize(runs: RunResult[], minimal?: Schedule[]): CampaignReport {
  const faultsByKind: Partial<Record<FaultKind, number>> = {};
  for (const r of runs) for (const [k, n] of Object.entries(r.faultsByKind)) faultsByKind[k as FaultKind] = (faultsByKind[k as FaultKind] ?? 0) + n;
  return {
    runs,
    virtualHours: runs.reduce((s, r) => s + r.virtualHours, 0),
    faultsByKind,
    crashes: runs.reduce((s, r) => s + r.crashes, 0),
    checks: runs.reduce((s, r) => s + r.checks, 0),
    violations: runs.reduce((s, r) => s + r.violations.length, 0),
    seeds: runs.map((r) => r.schedule.seed),
    failedSeeds: runs.filter((r) => r.violations.length > 0).map((r) => r.schedule.seed),
    wallMs: runs.reduce((s, r) => s + r.wallMs, 0),
    minimal,
  };
}

/** The report as a person reads it: one row per seed, totals, then each violation with its seed. */
export function formatReport(rep: CampaignReport): string {
  const lines: string[] = [];
  const head = ['SEED', 'POOLS', 'VIRTUAL-HOURS', 'FAULTS', 'CRASHES', 'CHECKS', 'VIOLATIONS', 'WALL-S', 'HEAP-DAY1-MB', 'HEAP-END-MB', 'GROWTH'];
  const rows = rep.runs.map((r) => [
    String(r.schedule.seed),
    String(r.schedule.pools),
    r.virtualHours.toFixed(1),
    String(r.schedule.faults.length),
    String(r.crashes),
    String(r.checks),
    String(r.violations.length),
    (r.wallMs / 1000).toFixed(1),
    ...memoryColumns(r),
  ]);
  rows.push(['total', '', rep.virtualHours.toFixed(1), String(Object.values(rep.faultsByKind).reduce((s, n) => s + n, 0)), String(rep.crashes), String(rep.checks), String(rep.violations), (rep.wallMs / 1000).toFixed(1), '', '', '']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) lines.push(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  lines.push('', 'faults injected by kind:');
  for (const [k, n] of Object.entries(rep.faultsByKind).sort()) lines.push(`  ${k.padEnd(22)} ${n}`);
  for (const r of rep.runs) {
    for (const v of r.violations) lines.push(`VIOLATION seed ${r.schedule.seed} at +${formatOffset(v.atMs)} ${v.invariant}: ${v.message}`);
  }
  return lines.join('\n');
}

/** Heap after GC at the first day's end and at the last, and the growth between them ('-' without --expose-gc or under two days). */
export function memoryColumns(r: RunResult): [string, string, string] {
  const first = r.memory?.[0];
  const last = r.memory?.at(-1);
  if (!first || !last || first === last) return [first ? String(first.heapMB) : '-', '-', '-'];
  return [String(first.heapMB), String(last.heapMB), `${(((last.heapMB - first.heapMB) / first.heapMB) * 100).toFixed(1)}%`];
}

export function formatOffset(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m${String(s % 60).padStart(2, '0')}s`;
}

/** A schedule as a person reads it: one line per fault. */
export function formatSchedule(s: Schedule): string {
  const lines = [`seed ${s.seed}, ${s.hours} h, ${s.pools} pools, ${s.faults.length} faults:`];
  for (const f of s.faults) lines.push(`  +${formatOffset(f.atMs)} ${f.kind}${f.durationMs ? ` for ${Math.round(f.durationMs / 1000)} s` : ''} on pool-${f.pool ?? 0} (level ${f.level.toFixed(3)})`);
  return lines.join('\n');
}
