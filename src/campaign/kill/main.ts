import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { WORK_KINDS } from './fleet-config.js';
import { KillCampaign, type KillCampaignReport } from './kill-campaign.js';

/**
 * `npm run campaign:kill -- [--kills N] [--seed S] [--max-delay MS] [--keep] [--json]`: SIGKILLs real
 * `flotte up` processes in the middle of scale-outs, bulk restarts, replaces and environment
 * creates on a persisted sim cloud. Exit 0 when nothing leaked, nothing doubled and all work
 * ended; 1 when something broke; 2 on bad input.
 */
const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

const program = new Command('campaign:kill')
  .description('Kills real flotte up processes at seeded random moments of scale-outs, restarts, replaces and environment creates, then checks that nothing leaked or doubled and every operation ended.')
  .option('--kills <n>', 'how many SIGKILLs', int('--kills', 1, 10_000), 100)
  .option('--seed <s>', 'seed of the work, the kill moments and the sim cloud', int('--seed', 0, 2 ** 31 - 1), 1)
  .option('--max-delay <ms>', 'longest wait into a piece of work before its kill', int('--max-delay', 0, 600_000), 3_000)
  .option('--keep', 'keep the data dir (flotte.yaml, store, sim state) to look into')
  .option('--json', 'print the report as JSON')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

interface Opts {
  kills: number;
  seed: number;
  maxDelay: number;
  keep?: boolean;
  json?: boolean;
}

function formatKillReport(r: KillCampaignReport): string {
  const l = r.ledger;
  const lines = [
    `kill campaign, seed ${r.seed}: ${r.kills} SIGKILLs of flotte up in ${(r.wallMs / 1000).toFixed(0)} s (restart median ${r.startMs.median} ms, max ${r.startMs.max} ms)`,
    `kills by work in flight: ${WORK_KINDS.map((k) => `${k} ${r.killsByWork[k]}`).join(', ')} (refused and picked again: ${WORK_KINDS.map((k) => `${k} ${r.refused[k]}`).join(', ')})`,
    `kill delay into the work: ${r.delayMs.min}–${r.delayMs.max} ms (median ${r.delayMs.median})`,
    `machines: ${l.made} made, ${l.intended} intended, ${l.live} live at the end; leaked ${l.leaked.length}, doubled ${l.doubled.length}, pools above desired ${l.aboveDesired.length}, ghosts ${l.ghosts.length}`,
    `operations: ${Object.entries(r.operations).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'}`,
    ...r.unsuccessful.map((op) => `  ${op.id} ${op.kind} ${op.pool} ${op.status}: ${op.message}`),
    `environments: ${r.environments.asExpected}/${r.environments.asked} as asked (ready, or destroyed by their TTL)`,
    `processes: ${r.childrenSeen} children of flotte up seen, ${r.processesLeft.length} left behind`,
    r.problems.length ? `PROBLEMS (${r.problems.length}):\n${r.problems.map((p) => `  ${p}`).join('\n')}` : 'no problems: 0 leaked, 0 doubled, every operation ended, no process left',
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  try {
    program.parse(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const o = program.opts<Opts>();
  const campaign = new KillCampaign({ kills: o.kills, seed: o.seed, maxDelayMs: o.maxDelay, keepDir: o.keep, log: o.json ? undefined : (line) => process.stderr.write(`${line}\n`) });
  // Each flotte up leads a process group of its own, which an interrupt of this one does not reach.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      campaign.stopAll();
      process.exit(130);
    });
  }
  process.on('exit', () => campaign.stopAll());
  const report = await campaign.run();
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 1)}\n` : `${formatKillReport(report)}\n${o.keep ? `data dir: ${report.dir}\n` : ''}`);
  return report.problems.length ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`campaign:kill: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
