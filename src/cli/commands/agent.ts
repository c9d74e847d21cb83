import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { runAgent } from '../../agent/agent.js';
import { awsIdentity, envIdentity, IdentityError, openstackIdentity, type Identity } from '../../agent/identity.js';
import { AGENT_PORT } from '../../agent/local-endpoint.js';
import { realClock } from '../../clock/clock.js';
import { formatDuration, parseDuration } from '../../domain/environments/duration.js';
import { CliError } from '../client.js';
import { println } from '../output.js';

export interface AgentCliOptions {
  identity: string;
  machineId?: string;
  metadataUrl?: string;
  metadataTimeout: string;
  pool?: string;
  joinToken?: string;
  port?: string;
  dir?: string;
  orphanAfter?: string;
  logLevel: string;
}

/** `--orphan-after` as ms, else `FLOTTE_ORPHAN_AFTER_MS`; undefined means the agent never gives up (cloud machines). */
function orphanAfterMs(flag: string | undefined, env: NodeJS.ProcessEnv): number | undefined {
  if (flag !== undefined) {
    const ms = parseDuration(flag);
    if (ms === undefined) throw new CliError(`--orphan-after must be a duration like 90s, 10m or 1h (got "${flag}")`, 2);
    return ms;
  }
  const raw = env.FLOTTE_ORPHAN_AFTER_MS;
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0) throw new CliError(`FLOTTE_ORPHAN_AFTER_MS must be a whole number of milliseconds above 0 (got "${raw}")`, 2);
  return ms;
}

async function identify(opts: AgentCliOptions): Promise<Identity> {
  const meta = { ...(opts.metadataUrl ? { baseUrl: opts.metadataUrl } : {}), timeoutMs: Number(opts.metadataTimeout) };
  try {
    if (opts.identity === 'aws') return await awsIdentity(meta);
    if (opts.identity === 'openstack') return await openstackIdentity(meta);
    if (opts.identity === 'env') return envIdentity(process.env, opts.machineId);
  } catch (e) {
    if (e instanceof IdentityError) throw new CliError(`cannot learn this machine's identity: ${e.message}`, 1);
    throw e;
  }
  throw new CliError(`--identity must be env, aws or openstack (got "${opts.identity}")`, 2);
}

/** `flotte agent`: runs on each machine until SIGTERM. `--identity` only: prints who the machine is and exits. */
export async function agentCommand(server: string, opts: AgentCliOptions & { whoami?: boolean }): Promise<void> {
  const who = await identify(opts);
  if (opts.whoami) return println(JSON.stringify(who));
  const env = process.env;
  const pool = opts.pool ?? env.FLOTTE_POOL;
  const joinToken = opts.joinToken ?? env.FLOTTE_JOIN_TOKEN;
  if (!pool) throw new CliError('no pool: set --pool or FLOTTE_POOL', 2);
  if (!joinToken) throw new CliError("no join token: set --join-token or FLOTTE_JOIN_TOKEN (see GET /api/v1/pools/<pool>/join-token)", 2);
  const orphanAfter = orphanAfterMs(opts.orphanAfter, env);
  const log = pino({ level: opts.logLevel }, pino.destination(2));
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  const end = await runAgent(
    {
      server,
      pool,
      joinToken,
      machine: who.machine,
      port: Number(opts.port ?? env.FLOTTE_AGENT_PORT ?? AGENT_PORT),
      dir: opts.dir,
      address: env.FLOTTE_ADDRESS,
      bootDelayMs: Number(env.FLOTTE_BOOT_DELAY_MS ?? 0),
      heartbeatIntervalMs: 5_000,
      orphanAfterMs: orphanAfter,
      sessions: env.FLOTTE_SESSIONS === 'none' ? 'none' : 'utmp',
    },
    realClock,
    log,
    stop.signal,
  ).catch((e: unknown) => {
    if (!stop.signal.aborted) throw e;
    return 'stopped' as const;
  });
  if (end === 'orphaned') {
    throw new CliError(`no controller at ${server} for ${formatDuration(orphanAfter!)}: the agent gave up (start the controller and this machine again, or let the controller replace it)`, 1);
  }
}

/** `flotte agent busy +1|-1`: tells the local agent that work started or ended. */
export async function agentBusyCommand(delta: string, opts: { port?: string; dir?: string }): Promise<void> {
  const step = delta === '+1' || delta === '1' ? 'busy' : delta === '-1' ? 'idle' : undefined;
  if (!step) throw new CliError(`busy takes +1 or -1 (got "${delta}")`, 2);
  const port = opts.port ?? (opts.dir ? readFileSync(join(opts.dir, 'port'), 'utf8').trim() : undefined) ?? process.env.FLOTTE_AGENT_PORT ?? String(AGENT_PORT);
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${port}/${step}`, { method: 'POST' });
  } catch (e) {
    throw new CliError(`cannot reach the agent on 127.0.0.1:${port}: ${(e as Error).message}`, 1);
  }
  if (!res.ok) throw new CliError(`agent answered HTTP ${res.status}`, 1);
  const body = (await res.json()) as { busy: number };
  println(`busy ${body.busy}`);
}
