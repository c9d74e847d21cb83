import type { Command } from 'commander';
import { realClock, type Clock } from '../../clock/clock.js';
import { CliError, type ApiClient } from '../client.js';
import { printJson, println, table } from '../output.js';
import { operationBody, type OperationFlags } from './operation-flags.js';
import { waitOrInterrupt } from '../interrupt.js';
import type { OperationAnswer, OperationDetail, OperationList, OperationPreview, OperationsHalted } from '../../api/contract/index.js';

const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'rolled-back']);
const POLL_MS = 1_000;
const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? '-' : `${Math.ceil(ms / 1000)}s`);

/** One line a person can read: counts per state, rate, ETA and the API budget. */
export function progressLine(s: OperationDetail): string {
  const p = s.progress;
  if (!p) return `${s.operation.id} ${s.operation.status}: ${s.operation.message}`;
  const c = p.counts;
  const mutate = p.api.provider?.buckets.mutate;
  const budget = mutate ? `, mutate bucket ${Math.floor(mutate.tokens)}/${mutate.capacity}` : '';
  return `${c.done ?? 0} done, ${c['in-progress'] ?? 0} in progress, ${c.pending ?? 0} pending, ${c.failed ?? 0} failed | ${p.perMinute.toFixed(1)}/min | ETA ${secs(p.etaMs)} | API ${p.api.operation.calls} calls, ${p.api.operation.throttled} throttled${budget}`;
}

/** Follows an operation until it ends; Ctrl-C stops the following, not the operation, and says so. */
export function follow(client: ApiClient, clock: Clock, id: string, json: boolean): Promise<OperationDetail> {
  return waitOrInterrupt(() => `stopped following; operation ${id} carries on on the server (follow: flotte ops show ${id}; cancel: flotte ops cancel ${id})`, () => followUntilEnd(client, clock, id, json));
}

/** A progress bar on a terminal, JSON lines with --json, plain lines otherwise. */
async function followUntilEnd(client: ApiClient, clock: Clock, id: string, json: boolean): Promise<OperationDetail> {
  // Imported here, not at the top: every CLI command registers this module, few draw a bar.
  const bar = process.stderr.isTTY && !json ? new (await import('cli-progress')).SingleBar({ format: `${id} [{bar}] {value}/{total} | {line}`, stream: process.stderr, hideCursor: true }) : null;
  let last = '';
  for (let started = false; ; ) {
    const s = await client.get<OperationDetail>(`/api/v1/operations/${encodeURIComponent(id)}`);
    const total = s.progress?.total ?? 0;
    const settled = (s.progress?.counts.done ?? 0) + (s.progress?.counts.failed ?? 0);
    const line = progressLine(s);
    if (json) printJson({ at: new Date(clock.now()).toISOString(), ...s });
    else if (bar) {
      if (!started) bar.start(total, settled, { line });
      else bar.update(settled, { line });
    } else if (line !== last) println(line);
    started = true;
    last = line;
    if (FINAL.has(s.operation.status)) {
      bar?.stop();
      return s;
    }
    await clock.sleep(POLL_MS);
  }
}

function finish(s: OperationDetail, json: boolean): void {
  if (!json) {
    println(`${s.operation.id} ${s.operation.status}: ${s.operation.message}`);
    for (const f of s.failed.slice(0, 20)) println(`  failed ${f.machine}: ${f.error ?? ''}`);
  }
  if (s.operation.status !== 'succeeded') throw new CliError(`operation ${s.operation.id} ${s.operation.status}`, 1);
}

async function startCommand(client: ApiClient, kind: string, pool: string, f: OperationFlags): Promise<void> {
  const body = operationBody(kind, pool, f);
  const out = await client.request<Partial<OperationPreview & OperationAnswer>>('POST', f.dryRun ? '/api/v1/operations/dry-run' : '/api/v1/operations', body);
  if (out.preview) {
    if (f.json) return printJson(out);
    const p = out.preview;
    println(`${kind} ${p.machines} machines of ${pool}: ${p.waves.length} waves, ${p.calls.mutate} mutate + ${p.calls.launch} launch calls, about ${secs(p.totalMs)} (API ${secs(p.apiMs)}; from ${p.durations.samples ? `${p.durations.samples} observed` : 'default'} durations)`);
    p.waves.forEach((n, i) => println(`  wave ${i + 1}: ${n} machines (${p.waveSamples[i]!.join(', ')}${n > p.waveSamples[i]!.length ? ', …' : ''})`));
    return;
  }
  const op = out.operation!;
  if (!f.wait) return f.json ? printJson(out) : println(`operation ${op.id} started: ${op.message} (follow: flotte ops show ${op.id})`);
  finish(await follow(client, realClock, op.id, f.json ?? false), f.json ?? false);
}

function operationOptions(cmd: Command, hard: boolean): Command {
  cmd
    .option('--strategy <kind>', 'all-at-once or rolling (default all-at-once; rolling when a rolling option is given)')
    .option('--max-unavailable <n|n%>', 'rolling: at most this many machines out of service at once')
    .option('--batch-size <n>', 'rolling in waves of n: a wave starts when the previous one is done')
    .option('--min-healthy <n|n%>', 'never leave fewer ready machines than this')
    .option('--canary <n>', 'do n machines first, then bake')
    .option('--bake <duration>', 'after the canary, wait this long (e.g. 60s) and check health', '0s')
    .option('--checkpoint <pct...>', 'pause after this share is done (resume with flotte ops resume)')
    .option('--failure-threshold <n>', 'abort when more than n machines fail (default 5%)')
    .option('--machines <ids>', 'only these machines (comma separated)')
    .option('--selector <k=v,...>', 'only machines with these labels')
    .option('--dry-run', 'print the plan (waves, calls, estimated time) and change nothing')
    .option('--wait', 'follow the operation to its end; exit 1 unless it succeeds')
    .option('--json', 'JSON output (with --wait: one JSON object per update)');
  if (hard) cmd.option('--hard', 'hard reboot (power cycle)');
  return cmd;
}

/** `flotte restart|replace|stop|start POOL …` and `flotte ops …`. */
export function registerOperationCommands(program: Command, client: () => ApiClient): void {
  for (const [kind, what] of [['restart', 'reboot machines of a pool in place'], ['replace', "replace machines with new ones from the pool's current template (instance refresh)"], ['stop', 'stop machines of a pool'], ['start', 'start stopped machines of a pool']] as const) {
    operationOptions(program.command(kind).description(what).argument('<pool>'), kind === 'restart').action((pool: string, f: OperationFlags) => startCommand(client(), kind, pool, f));
  }
  const ops = program.command('ops').description('bulk operations: list, show (live progress), pause, resume, cancel, stop-all');
  ops.command('list', { isDefault: true }).description('list operations, newest first').option('--pool <pool>', 'only this pool').option('--json', 'JSON output').action(async (f: { pool?: string; json?: boolean }) => {
    const { items } = await client().get<OperationList>(`/api/v1/operations${f.pool ? `?pool=${encodeURIComponent(f.pool)}` : ''}`);
    if (f.json) return printJson(items);
    println(table(['ID', 'KIND', 'POOL', 'STATUS', 'STARTED', 'MESSAGE'], items.map((o) => [o.id, o.origin ? `${o.kind} (${o.origin})` : o.kind, o.pool, o.status, new Date(o.createdAt).toISOString(), o.message])));
  });
  ops
    .command('show')
    .argument('<id>')
    .description('follow an operation live (counts per state, rate, ETA, API budget) until it ends')
    .option('--once', 'print the current state and return')
    .option('--json', 'JSON output; with live following, one object per update')
    .action(async (id: string, f: { once?: boolean; json?: boolean }) => {
      if (f.once) {
        const s = await client().get<OperationDetail>(`/api/v1/operations/${encodeURIComponent(id)}`);
        return f.json ? printJson(s) : println(`${s.operation.id} ${s.operation.kind} ${s.operation.pool} ${s.operation.status}: ${s.operation.message}\n${progressLine(s)}`);
      }
      finish(await follow(client(), realClock, id, f.json ?? false), f.json ?? false);
    });
  for (const verb of ['pause', 'resume', 'cancel'] as const) {
    ops.command(verb).argument('<id>').description(`${verb} an operation`).option('--json', 'JSON output').action(async (id: string, f: { json?: boolean }) => {
      const out = await client().request<OperationAnswer>('POST', `/api/v1/operations/${encodeURIComponent(id)}/${verb}`);
      return f.json ? printJson(out) : println(`operation ${id}: ${verb} requested`);
    });
  }
  ops.command('stop-all').description('halt every running operation at once (they pause; resume each to go on)').option('--json', 'JSON output').action(async (f: { json?: boolean }) => {
    const out = await client().request<OperationsHalted>('POST', '/api/v1/operations/stop');
    return f.json ? printJson(out) : println(`halted ${out.halted.length} operations${out.halted.length ? `: ${out.halted.join(', ')}` : ''}`);
  });
}
