import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { formatHa, haFaultKinds, runSchedule } from './ha-main.js';
import { formatReport, formatSchedule, summarize } from './report.js';
import { parseSchedule } from './replay.js';
import { drawSchedule, parseKinds } from './schedule.js';
import { shrinkSchedule } from './shrink.js';
import { Progress } from './progress.js';
import { FAULT_KINDS, type MemorySample, type RunResult, type Schedule } from './types.js';

/**
 * `npm run campaign -- [--hours H] [--seed S] [--seeds N] [--pools N] [--faults list] [--json] [--replay FILE] [--ha [--controllers N]]`:
 * seeded fault campaigns on the sim cloud and a virtual clock. Exit 0 when no invariant broke,
 * 1 when one did (each failure's schedule is written to a file for --replay), 2 on bad input.
 */
const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};
const hoursArg = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 24 * 365) throw new InvalidArgumentError('--hours must be a number of virtual hours above 0 and at most 8760');
  return n;
};

const program = new Command('campaign')
  .description('Runs the real controller and bulk operations on the sim cloud under a seeded schedule of faults, checking invariants every tick.')
  .option('--hours <h>', 'virtual hours per seed', hoursArg, 48)
  .option('--seed <s>', 'first seed', int('--seed', 0, 2 ** 31 - 1), 1)
  .option('--seeds <n>', 'how many seeds, from --seed on', int('--seeds', 1, 1000), 1)
  .option('--pools <n>', 'pools in the fleet', int('--pools', 1, 100), 10)
  .option('--faults <list>', `comma-separated fault kinds (default all): ${FAULT_KINDS.join(', ')}`)
  .option('--replay <file>', 'rerun a schedule written by an earlier failure (ignores --hours, --seed, --pools, --faults)')
  .option('--no-shrink', 'do not shrink failing schedules to their fewest faults')
  .option('--json', 'print the report as JSON')
  .option('--ha', 'several controllers sharing the pools through leases on PostgreSQL (FLOTTE_CAMPAIGN_PG, default postgres://postgres@127.0.0.1:5432/test)')
  .option('--controllers <n>', 'controllers in an --ha run', int('--controllers', 2, 16), 3)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

interface Opts {
  hours: number;
  seed: number;
  seeds: number;
  pools: number;
  faults?: string;
  replay?: string;
  shrink: boolean;
  json?: boolean;
  ha?: boolean;
  controllers: number;
}

async function main(): Promise<number> {
  try {
    program.parse(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const o = program.opts<Opts>();
  let schedules: Schedule[];
  try {
    if (o.replay) schedules = [parseSchedule(readFileSync(o.replay, 'utf8'), o.replay)];
    else {
      const kinds = o.faults === undefined ? (o.ha ? haFaultKinds() : FAULT_KINDS) : parseKinds(o.faults);
      const haOnly = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
      if (!o.ha && haOnly.length) throw new Error(`--faults: ${haOnly.join(', ')} need several controllers: add --ha`);
      schedules = Array.from({ length: o.seeds }, (_, i) => ({ ...drawSchedule(o.seed + i, o.hours, o.pools, kinds), ...(o.ha && { controllers: o.controllers }) }));
    }
  } catch (e) {
    process.stderr.write(`campaign: ${(e as Error).message}\n`);
    return 2;
  }
  const runs: RunResult[] = [];
  const minimal: Schedule[] = [];
  let dir: string | undefined;
  for (const s of schedules) {
    const memory: MemorySample[] = [];
    const progress = new Progress(`seed ${s.seed}`, s.hours);
    const r = await runSchedule(s, {
      onHour: (hour) => {
        progress.at(hour);
        if (hour % 24 === 0) memory.push(sampleMemory(hour));
      },
    });
    progress.done();
    if (memory.length) r.memory = memory;
    runs.push(r);
    process.stderr.write(`seed ${s.seed}: ${r.virtualHours.toFixed(1)} h in ${(r.wallMs / 1000).toFixed(1)} s, ${r.violations.length} violations${memory.length ? `, heap after GC ${memory[0]!.heapMB} MB on day 1, ${memory.at(-1)!.heapMB} MB at the end` : ''}\n`);
    if (r.violations.length === 0) continue;
    dir ??= mkdtempSync(join(tmpdir(), 'flotte-campaign-'));
    const file = join(dir, `seed-${s.seed}.json`);
    writeFileSync(file, JSON.stringify(s, null, 1));
    // Each violation is printed now, not only in the final report: shrinking a long run may take longer than anyone waits.
    for (const v of r.violations) process.stderr.write(`seed ${s.seed} +${(v.atMs / 3_600_000).toFixed(2)} h ${v.invariant}: ${v.message}\n`);
    process.stderr.write(`seed ${s.seed} broke ${r.violations[0]!.invariant}; replay with: npm run campaign -- --replay ${file}\n${formatSchedule(s)}\n`);
    if (!o.shrink || o.replay) continue;
    const chased = r.violations[0]!.invariant;
    const small = await shrinkSchedule(s, async (c) => (await runSchedule(c, { stopAtFirst: true })).violations.some((v) => v.invariant === chased), (n) => process.stderr.write(`  shrinking: ${n} faults still break ${chased}\n`));
    minimal.push(small);
    const smallFile = join(dir, `seed-${s.seed}-minimal.json`);
    writeFileSync(smallFile, JSON.stringify(small, null, 1));
    process.stderr.write(`minimal schedule (${small.faults.length} faults) in ${smallFile}\n${formatSchedule(small)}\n`);
  }
  const rep = summarize(runs, minimal.length ? minimal : undefined);
  process.stdout.write(o.json ? `${JSON.stringify(rep, null, 1)}\n` : `${formatReport(rep)}\n${formatHa(runs)}`);
  return rep.violations > 0 ? 1 : 0;
}

/** Heap in use after a full collection: without one, the figure moves with the collector's timing, not with what the run keeps. */
function sampleMemory(hour: number): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  return { hour, heapMB: Math.round(m.heapUsed / 1e5) / 10, rssMB: Math.round(m.rss / 1e5) / 10 };
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`campaign: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
