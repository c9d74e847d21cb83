import type { Command } from 'commander';
import { CliError, type ApiClient } from '../client.js';
import { printJson, println, table } from '../output.js';
import { serverDurationFlag } from '../flags.js';
import { waitOrInterrupt } from '../interrupt.js';
import { monthWindow, NO_TEAM, USAGE_BY, usageCsv } from '../../domain/environments/usage.js';
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { EnvConnection, EnvironmentDetail, EnvironmentList, EnvironmentView, EnvTemplateList, EnvUsage } from '../../api/contract/index.js';

/** An environment as the API returns it: the list leaves out each role's progress and the idle signals. */
type EnvJson = EnvironmentView & Partial<Pick<EnvironmentDetail, 'roleStatus' | 'idle'>>;
type IdleJson = NonNullable<EnvironmentDetail['idle']>;

const POLL_MS = 1_000;
const DONE = new Set(['ready', 'failed', 'destroyed', 'stopped']);
const path = (id: string) => `/api/v1/environments/${encodeURIComponent(id)}`;

function collect(value: string, into: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new CliError(`--param takes k=v, got "${value}"`, 2);
  return { ...into, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** When it goes: its TTL, or dormancy's time if that comes first while it stays stopped. */
function expiry(e: EnvironmentView): string {
  const dormant = e.status === 'stopped' ? e.stops?.at(-1)?.destroyAt : undefined;
  return dormant !== undefined && dormant < e.expiresAt ? `${new Date(dormant).toISOString()} (dormant)` : new Date(e.expiresAt).toISOString();
}

type MachineJson = NonNullable<EnvJson['roleStatus']>[number]['machines'][number];
/** A machine's readiness check as a word, when its role has one and its agent reported. */
const check = (m: MachineJson) => (m.readiness ? (m.readiness.ok ? '(check ok)' : '(check failing)') : '');
const progress = (e: EnvJson) => `${e.status.padEnd(10)} ${(e.roleStatus ?? []).map((r) => `${r.name} ${r.ready}/${r.count}${r.machines.some((m) => m.readiness && !m.readiness.ok) ? ' (check failing)' : ''}`).join('  ')}`;

function show(e: EnvJson): void {
  println(`${e.name} (${e.id}) owner ${e.owner}, template ${e.template} v${e.templateVersion}: ${e.status}${e.reason ? ` (${e.reason})` : ''}`);
  println(`expires ${expiry(e)}`);
  if (e.roleStatus?.length) println(table(['ROLE', 'READY', 'MACHINES'], e.roleStatus.map((r) => [r.name, `${r.ready}/${r.count}`, r.machines.map((m) => `${m.id}:${m.state}${check(m)}`).join(' ')])));
  for (const [k, v] of Object.entries(e.outputs)) println(`${k}: ${v}`);
  if (e.idle) showIdle(e.idle);
}

/** The idle signals: the answer to "why is this still running?". */
function showIdle(i: IdleJson): void {
  const window = i.afterMs! >= 60_000 ? `${Math.round(i.afterMs! / 60_000)} min` : `${Math.round(i.afterMs! / 1000)} s`;
  const policy = i.autoStop ? `stops after ${window} idle` : 'no automatic idle stop';
  const now = i.idle ? `idle${i.since !== undefined ? ` since ${new Date(i.since).toISOString()}` : ''}${i.stopsAt !== undefined ? `, stops at ${new Date(i.stopsAt).toISOString()}` : ''}` : `in use: ${i.blockers.join('; ')}`;
  println(`idle: ${now} (${policy})`);
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  println(table(['ROLE', 'MACHINE', 'BUSY', 'SESSIONS', 'CPU'], i.machines.map((m) => [m.role, m.machine, m.report?.busy ?? '?', m.report?.sessions ?? '?', m.report ? `${pct(m.report.cpu)} (idle ≤ ${pct(i.maxCpu)})` : 'no report'])));
}

/** What Ctrl-C during a wait says: the environment's change goes on on the server. */
const goesOn = (e: EnvJson, doing: string, undo: string): string => `stopped waiting; environment ${e.name} (${e.id}) goes on ${doing} on the server (follow: flotte env show ${e.id}; ${undo})`;

/** Polls until the environment settles, printing each change of progress (one line each, so logs read well too). */
async function follow(client: ApiClient, id: string, quiet: boolean): Promise<EnvJson> {
  let last = '';
  for (;;) {
    const e = await client.get<EnvJson>(path(id));
    const line = progress(e);
    if (!quiet && line !== last) println(line);
    last = line;
    if (DONE.has(e.status)) return e;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Polls a stopping environment until every machine has reached `state` (or the environment moved on). */
async function untilMachines(client: ApiClient, id: string, state: string, quiet: boolean): Promise<EnvJson> {
  let last = '';
  for (;;) {
    const e = await client.get<EnvJson>(path(id));
    const machines = (e.roleStatus ?? []).flatMap((r) => r.machines);
    const line = `${e.status.padEnd(10)} ${machines.filter((m) => m.state === state).length}/${machines.length} ${state}`;
    if (!quiet && line !== last) println(line);
    last = line;
    if (e.status !== 'stopped' || machines.every((m) => m.state === state)) return e;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Runs a shell command on this terminal (ssh asks its questions there); resolves with its exit
 * code (128+n for a signal, as shells do). Like system(3), flotte ignores Ctrl-C meanwhile: the
 * terminal sends it to the session too, which decides what it means.
 */
function runAttached(command: string): Promise<number> {
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  return new Promise<number>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: 'inherit' });
    child.once('error', (e) => reject(new CliError(`could not run "${command}": ${e.message}`, 1)));
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  }).finally(() => process.off('SIGINT', ignore));
}

/** `flotte env create|list|show|extend|stop|start|destroy|connect|usage|templates`. */
export function registerEnvCommands(program: Command, client: () => ApiClient): void {
  const env = program.command('env').description('developer environments: disposable sets of machines from templates');

  env
    .command('create')
    .description('create an environment and wait until every machine is ready (or it failed and released everything)')
    .argument('<name>')
    .requiredOption('--template <t>', 'environment template')
    .option('--param <k=v>', 'template parameter (repeatable)', collect, {})
    .option('--ttl <duration>', "lifetime, e.g. 8h (the template's default when omitted)")
    .option('--no-wait', 'return at once; follow with `flotte env show`')
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { template: string; param: Record<string, string>; ttl?: string; wait: boolean; json?: boolean }) => {
      const ttl = opts.ttl === undefined ? undefined : serverDurationFlag('--ttl', opts.ttl, '8h or 2d');
      const made = await client().request<EnvJson>('POST', '/api/v1/environments', { name, template: opts.template, params: opts.param, ...(ttl ? { ttl } : {}) });
      const e = opts.wait ? await waitOrInterrupt(() => goesOn(made, 'being created', `destroy: flotte env destroy ${made.id} --yes`), () => follow(client(), made.id, opts.json === true)) : made;
      if (opts.json) printJson(e);
      else show(e);
      if (e.status === 'failed') throw new CliError(`environment ${e.name} failed: ${e.reason ?? 'unknown reason'}`, 1);
    });

  env
    .command('list')
    .description('your environments (--all: everyone\'s, for operators)')
    .option('--all', "everyone's")
    .option('--ended', 'include destroyed and failed ones')
    .option('--json', 'JSON output')
    .action(async (opts: { all?: boolean; ended?: boolean; json?: boolean }) => {
      const { items } = await client().get<EnvironmentList>(`/api/v1/environments?all=${opts.all === true}&ended=${opts.ended === true}`);
      if (opts.json) return printJson(items);
      println(table(['ID', 'NAME', 'OWNER', 'TEMPLATE', 'STATUS', 'EXPIRES'], items.map((e) => [e.id, e.name, e.owner, `${e.template} v${e.templateVersion}`, e.status, expiry(e)])));
    });

  env
    .command('show')
    .description('one environment: roles, machines, outputs')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { json?: boolean }) => {
      const e = await client().get<EnvJson>(path(id));
      if (opts.json) return printJson(e);
      show(e);
    });

  env
    .command('extend')
    .description('push the expiry back (up to the template\'s maxTtl)')
    .argument('<id>')
    .requiredOption('--by <duration>', 'e.g. 4h')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { by: string; json?: boolean }) => {
      const e = await client().request<EnvJson>('POST', `${path(id)}/extend`, { by: serverDurationFlag('--by', opts.by, '4h or 1d') });
      if (opts.json) return printJson(e);
      println(`${e.name} (${e.id}) now expires ${new Date(e.expiresAt).toISOString()}`);
    });

  env
    .command('stop')
    .description('stop every machine (disks kept, nothing replaced) until `flotte env start`; waits until all are stopped')
    .argument('<id>')
    .option('--no-wait', 'return once the stop has started')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { wait: boolean; json?: boolean }) => {
      const started = await client().request<EnvJson>('POST', `${path(id)}/stop`);
      const e = opts.wait ? await waitOrInterrupt(() => goesOn(started, 'stopping', `wake it: flotte env start ${started.id}`), () => untilMachines(client(), started.id, 'stopped', opts.json === true)) : started;
      if (opts.json) return printJson(e);
      println(`${e.name} (${e.id}): ${e.status}`);
    });

  env
    .command('start')
    .description('wake a stopped environment and wait until every machine is ready again')
    .argument('<id>')
    .option('--no-wait', 'return at once; follow with `flotte env show`')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { wait: boolean; json?: boolean }) => {
      const started = await client().request<EnvJson>('POST', `${path(id)}/start`);
      const e = opts.wait ? await waitOrInterrupt(() => goesOn(started, 'starting', `stop it: flotte env stop ${started.id}`), () => follow(client(), started.id, opts.json === true)) : started;
      if (opts.json) printJson(e);
      else show(e);
    });

  env
    .command('destroy')
    .description('release every machine of an environment, disks included (waits until they are gone); without --yes, only show what would go')
    .argument('<id>')
    .option('--yes', 'do it; without it, only show what would be destroyed')
    .option('--no-wait', 'return once the release has started')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { yes?: boolean; wait: boolean; json?: boolean }) => {
      if (!opts.yes) {
        // The disks hold a developer's work: say what would go, change nothing, and ask to be told.
        show(await client().get<EnvJson>(path(id)));
        throw new CliError(`nothing changed: this destroys every machine above and its disk; re-run with --yes to do it (flotte env destroy ${id} --yes)`, 2);
      }
      const started = await client().request<EnvJson>('DELETE', path(id));
      const e = opts.wait ? await waitOrInterrupt(() => goesOn(started, 'being destroyed', 'it cannot be undone'), () => follow(client(), started.id, opts.json === true)) : started;
      if (opts.json) return printJson(e);
      println(`${e.name} (${e.id}): ${e.status}`);
    });

  env
    .command('connect')
    .description('print the way into an environment: `ssh USER@ADDRESS` for a cloud machine, a shell in its directory for a local one (--exec runs it)')
    .argument('<id>', 'environment id (flotte env list)')
    .argument('[role]', "the role to connect to (default: the template's first); its first ready machine is used")
    .option('--exec', 'run the command here, attached to this terminal; exits with its exit code')
    .option('--json', 'JSON output: {env, role, machine, address, command}')
    .addHelpText('after', '\nThe ssh user is the fleet template\'s `sshUser` (default ubuntu). Scripts: flotte env connect ID db --json | jq -r .address')
    .action(async (id: string, role: string | undefined, opts: { exec?: boolean; json?: boolean }) => {
      const c = await client().get<EnvConnection>(`${path(id)}/connect${role === undefined ? '' : `?role=${encodeURIComponent(role)}`}`);
      if (opts.json) printJson(c);
      else if (!opts.exec) println(c.command);
      if (opts.exec) process.exitCode = await runAttached(c.command);
    });

  env
    .command('usage')
    .description('machine-hours (running and stopped) and cost per user, team or template (your own environments, unless you may see all)')
    .option('--since <duration>', 'window back from now (default 30d)')
    .option('--month <yyyy-mm>', 'a calendar month in UTC instead, e.g. 2026-12 (from the 1st 00:00Z to the next 1st; a month not over counts until now)')
    .option('--by <what>', `group by ${USAGE_BY.join(', ')} (team: quotas.teams membership; owners in none under "${NO_TEAM}"); default user and team`)
    .option('--csv', 'CSV output: a header line, then one line per row')
    .option('--json', 'JSON output')
    .addHelpText('after', "\nStopped (and shelved) time costs the template's stoppedPrice share of the size's price (environments.prices).")
    .action(async (opts: { since?: string; month?: string; by?: string; csv?: boolean; json?: boolean }) => {
      if (opts.since !== undefined && opts.month !== undefined) throw new CliError('give --since or --month, not both (nothing was sent)', 2);
      if (opts.month !== undefined && !monthWindow(opts.month)) throw new CliError(`--month takes a calendar month as YYYY-MM, e.g. 2026-12; got "${opts.month}" (nothing was sent)`, 2);
      if (opts.by !== undefined && !(USAGE_BY as readonly string[]).includes(opts.by)) throw new CliError(`--by takes one of ${USAGE_BY.join(', ')}; got "${opts.by}" (nothing was sent)`, 2);
      const q = new URLSearchParams(opts.month !== undefined ? { month: opts.month } : { since: serverDurationFlag('--since', opts.since ?? '30d', '7d or 30d') });
      if (opts.by !== undefined) q.set('by', opts.by);
      const out = await client().get<EnvUsage>(`/api/v1/environment-usage?${q.toString()}`);
      if (opts.json) return printJson(out);
      if (opts.csv) return void process.stdout.write(usageCsv(out.items));
      println(table(['SCOPE', 'ENVS', 'MACHINE-HOURS', 'STOPPED-HOURS', 'COST', 'UNPRICED SIZES'], out.items.map((r) => [r.scope, r.environments, r.machineHours, r.stoppedMachineHours, r.cost, r.unpriced.join(' ')])));
    });

  env
    .command('templates')
    .description('environment templates of the applied config')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      const { items } = await client().get<EnvTemplateList>('/api/v1/environment-templates');
      if (opts.json) return printJson(items);
      println(table(['TEMPLATE', 'VERSION', 'ROLES', 'PARAMS'], items.map((t) => [t.name, t.version, t.roles.map((r) => `${r.name}×${r.count}`).join(' '), t.params.map((p) => `${p.name}${p.default !== undefined ? `=${p.default}` : ''}`).join(' ')])));
    });
}
