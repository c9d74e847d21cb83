import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../test/support/process.js';
import { median, type Bench, type BenchResult } from './harness.js';

const POOLS = 50;
const SIZE = 1_000;
const RUNS = 3;

interface Run {
  machines: number;
  convergeMs: number;
  tickMedianMs: number;
  tickCpuMedianMs: number;
  quietWritesPerTick: number;
  deaths: number;
  deathTickWrites: number;
  deathTickRows: number;
  heapUsedMB: number;
  heapTotalMB: number;
  rssMB: number;
}

/** Half the range over the mean, in %: "stable to ±x%". */
const spread = (xs: number[]) => ((Math.max(...xs) - Math.min(...xs)) / (Math.max(...xs) + Math.min(...xs))) * 100;

/**
 * One controller at 50 pools × 1,000 machines on sim (issue 20, item 2), run three times, each
 * in a fresh process (bench/tick-run.ts) so no run inherits another's heap: the steady-state
 * tick (wall and CPU time), resident memory and heap after a forced collection and how much they
 * move between runs, and the store writes of a quiet tick and of a tick that sees 50 deaths.
 */
export const tickBench: Bench = async () => {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/tick-run.ts', String(POOLS), String(SIZE)], { cwd: ROOT, maxBuffer: 16 * 2 ** 20 });
    const { ticks: _ticks, ...run } = JSON.parse(stdout.trim().split('\n').at(-1)!) as Run & { ticks: number[] };
    runs.push(run);
  }
  const of = (k: keyof Run) => runs.map((r) => r[k]);
  const at = `${POOLS} pools × ${SIZE.toLocaleString('en')} on sim`;
  const machines = (POOLS * SIZE).toLocaleString('en');
  const results: BenchResult[] = [
    { name: `controller tick, ${at} (median of ${RUNS} runs)`, value: median(of('tickMedianMs')), unit: 'ms', target: { op: '<', value: 100 }, detail: { perRun: of('tickMedianMs') } },
    { name: `controller tick CPU time, ${at}`, value: median(of('tickCpuMedianMs')), unit: 'ms', target: { op: '<', value: 100 }, detail: { perRun: of('tickCpuMedianMs') } },
    { name: `resident memory after forced GC at ${machines} machines (highest of ${RUNS})`, value: Math.max(...of('rssMB')), unit: 'MB', target: { op: '<', value: 400 }, detail: { perRun: of('rssMB') } },
    { name: `resident memory after forced GC: spread over ${RUNS} processes (±)`, value: spread(of('rssMB')), unit: '%', target: { op: '<', value: 5 }, detail: { perRun: of('rssMB') } },
    { name: `heap used after forced GC at ${machines} machines (highest of ${RUNS})`, value: Math.max(...of('heapUsedMB')), unit: 'MB', detail: { perRun: of('heapUsedMB'), heapTotalMB: of('heapTotalMB'), spreadPercent: spread(of('heapUsedMB')) } },
    { name: `store writes (SQL statements) per quiet tick at ${machines} machines`, value: Math.max(...of('quietWritesPerTick')), unit: 'statements', target: { op: '<', value: 1 }, detail: { perRun: of('quietWritesPerTick') } },
    { name: `store writes of the tick that sees ${runs[0]!.deaths} machines die`, value: Math.max(...of('deathTickWrites')), unit: 'statements', detail: { perRun: of('deathTickWrites'), rowsWritten: of('deathTickRows') } },
    { name: `converge 0 → ${machines} machines (virtual clock, wall time)`, value: median(of('convergeMs')), unit: 'ms', detail: { perRun: of('convergeMs') } },
  ];
  return results;
};
