import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { AgentOrders, AgentReport } from '../api/contract/index.js';
import { runPreStop } from './drain.js';
import { HookCommands } from './hooks.js';
import { ReadinessProbe } from './readiness.js';
import { LoadMeter } from './load.js';
import { loggedInSessions, type SessionSource } from './sessions.js';
import { startLocalEndpoint, WorkState } from './local-endpoint.js';

export interface AgentOptions {
  server: string;
  pool: string;
  joinToken: string;
  machine: string;
  /** Local endpoint port; 0 picks a free one (written to `<dir>/port`). */
  port: number;
  /** Where a local machine keeps its files; the actual port is written there. */
  dir?: string | undefined;
  /** Advertised address of the local endpoint, for the controller's probes. */
  address?: string | undefined;
  bootDelayMs: number;
  /** Until the controller says otherwise. */
  heartbeatIntervalMs: number;
  /** Exit after this long without reaching the controller; unset means never. */
  orphanAfterMs?: number | undefined;
  /** Where logged-in sessions are counted (idle detection); utmp when absent. */
  sessions?: SessionSource | undefined;
}

/**
 * Network errors and refusals retry at this pace: a join refused because the controller has not
 * recorded the machine yet (it records a launch once the cloud answers) succeeds a moment later.
 */
const RETRY_MS = 1_000;
const REQUEST_TIMEOUT_MS = 5_000;

/** Why the agent stopped: told to, or no controller answered for `orphanAfterMs`. */
export type AgentEnd = 'stopped' | 'orphaned';

/**
 * The machine agent: boots, joins with its join token and receives the machine's credential,
 * heartbeats load and the busy count with that credential, and drains on order (stop
 * advertising, pre-stop hook, then drained at busy 0 or the deadline). Runs until the signal
 * aborts or it gives up on the controller; either way it releases everything it holds, so the
 * process can end.
 */
export async function runAgent(opts: AgentOptions, clock: Clock, log: Logger, signal: AbortSignal): Promise<AgentEnd> {
  await clock.sleep(opts.bootDelayMs, signal);
  const work = new WorkState();
  const endpoint = await startLocalEndpoint(work, opts.port);
  const ended = new AbortController();
  try {
    return await heartbeatLoop(opts, clock, log, signal, ended.signal, work, endpoint.port);
  } finally {
    ended.abort(); // ends a pre-stop hook still running
    // A workload's keep-alive connection would hold the server (and the process) open.
    endpoint.server.closeAllConnections();
    await new Promise((resolve) => endpoint.server.close(resolve));
  }
}

async function heartbeatLoop(opts: AgentOptions, clock: Clock, log: Logger, signal: AbortSignal, ended: AbortSignal, work: WorkState, port: number): Promise<AgentEnd> {
  if (opts.dir) writeFileSync(join(opts.dir, 'port'), String(port), { mode: 0o600 });
  log.info({ port, machine: opts.machine, pool: opts.pool }, 'agent local endpoint listening');

  const meter = new LoadMeter();
  let interval = opts.heartbeatIntervalMs;
  // The machine's own secret, from its join: kept in memory only, so a restarted agent joins again.
  let credential: string | undefined;
  let drain: { deadline: number; hook: Promise<unknown> } | null = null;
  let drained = false;
  let lastContact = clock.now();
  // The pool's readiness check, as the controller last named it; a flip of its result ends the wait for the next beat.
  let readiness: { probe: ReadinessProbe; stop: AbortController } | undefined;
  let poke = new AbortController();
  // Lifecycle hook commands the controller orders (docs/lifecycle-hooks.md); an end is reported at once.
  const hooks = new HookCommands(clock, log, () => poke.abort(), ended);

  const report = (): AgentReport => ({
    machine: opts.machine,
    pool: opts.pool,
    busy: work.busy,
    sessions: loggedInSessions(opts.sessions ?? 'utmp'),
    available: !work.draining,
    drained,
    load: meter.sample(),
    address: `${opts.address ?? '127.0.0.1'}:${port}`,
    ...(readiness?.probe.last ? { readiness: readiness.probe.last } : {}),
    ...(hooks.results().length > 0 ? { hooks: hooks.results() } : {}),
  });

  while (!signal.aborted) {
    let orders: AgentOrders | undefined;
    const joining = credential === undefined;
    try {
      orders = await send(opts, joining ? 'join' : 'heartbeat', joining ? opts.joinToken : credential!, report());
      if (joining) {
        if (!orders.credential) throw new Error('join answered without a credential');
        credential = orders.credential;
        log.info({ machine: opts.machine }, 'joined');
      }
      lastContact = clock.now();
    } catch (e) {
      orders = undefined;
      const status = (e as { status?: number }).status;
      // The controller forgot this machine's credential (a restored store, a stop): join again.
      if (!joining && status === 401) credential = undefined;
      log.warn({ err: (e as Error).message }, joining ? (status === 404 ? 'join refused: machine not recorded yet, asking again' : 'join failed') : status === 401 ? 'credential refused: joining again' : 'heartbeat failed');
      if (opts.orphanAfterMs !== undefined && clock.now() - lastContact > opts.orphanAfterMs) {
        log.warn({ orphanAfterMs: opts.orphanAfterMs }, 'no controller for too long: shutting down');
        return 'orphaned';
      }
    }
    if (orders) {
      interval = orders.heartbeatIntervalMs;
      hooks.follow(orders.hooks);
      if (JSON.stringify(orders.readiness) !== JSON.stringify(readiness?.probe.check)) {
        readiness?.stop.abort();
        readiness = undefined;
        if (orders.readiness) {
          const stop = new AbortController();
          readiness = { probe: new ReadinessProbe(orders.readiness, clock, () => poke.abort()), stop };
          void readiness.probe.run(AbortSignal.any([stop.signal, ended]));
          log.info({ check: orders.readiness }, 'readiness check started');
        }
      }
      if (orders.drain && !drain) {
        work.draining = true;
        const pre = orders.drain.preStop;
        log.info({ deadline: orders.drain.deadline }, 'drain ordered: no longer available');
        drain = { deadline: orders.drain.deadline, hook: pre ? runPreStop(pre.command, pre.timeoutMs, clock, ended).then((how) => log.info({ how }, 'pre-stop hook ended')) : Promise.resolve() };
      } else if (!orders.drain && drain) {
        log.info('drain cancelled: available again');
        drain = null;
        drained = false;
        work.draining = false;
      }
    }
    if (drain && !drained) {
      let hookDone = false;
      await Promise.race([drain.hook.then(() => (hookDone = true)), clock.sleep(0)]);
      if ((hookDone && work.busy === 0) || clock.now() >= drain.deadline) {
        drained = true;
        log.info({ busy: work.busy }, 'drained');
        continue; // say so at once rather than one interval later
      }
    }
    await clock.sleep(orders ? interval : RETRY_MS, AbortSignal.any([signal, poke.signal])).catch(() => undefined);
    if (poke.signal.aborted) poke = new AbortController();
  }
  return 'stopped';
}

class RefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A join presents the join token; every later report the machine's credential. */
async function send(opts: AgentOptions, path: 'join' | 'heartbeat', secret: string, body: AgentReport): Promise<AgentOrders> {
  const res = await fetch(new URL(`/api/v1/agents/${path}`, opts.server), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new RefusedError(`${path} refused: HTTP ${res.status} ${text.slice(0, 200)}`, res.status);
  return JSON.parse(text) as AgentOrders;
}
