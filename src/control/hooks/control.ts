import type { Logger } from 'pino';
import type { Clock } from '../../clock/clock.js';
import { cutAtDeadline, finishedRun, hookStep, needsTerminateHooks, startRun, type HookRun, type HookStep, type HookTransition, type LifecycleHook } from '../../domain/hooks.js';
import type { Machine } from '../../domain/types.js';
import type { WithHookRuns } from '../../store/ports.js';
import { poolEvents } from '../pool/events.js';
import type { PoolScope } from '../pool/tick.js';
import { hookBody, type HookAnswer, type HookWebhook } from './webhook.js';

/** One machine's runs, by transition, then by hook name. */
export type MachineRuns = Map<HookTransition, Map<string, HookRun>>;

/** A pool's runs, by machine. */
export function byMachine(runs: readonly HookRun[]): Map<string, MachineRuns> {
  const out = new Map<string, MachineRuns>();
  for (const run of runs) {
    let mine = out.get(run.machine);
    if (!mine) out.set(run.machine, (mine = new Map()));
    let of = mine.get(run.transition);
    if (!of) mine.set(run.transition, (of = new Map()));
    of.set(run.hook, run);
  }
  return out;
}

export interface HookControlDeps {
  store: WithHookRuns;
  clock: Clock;
  log: Logger;
  /** Absent (the planner, campaigns): a webhook hook fails at once and takes its default result. */
  webhook?: HookWebhook | undefined;
}

/** How a transition's hooks ended, once they have. */
export type HooksEnded = Extract<HookStep, { kind: 'end' }>;

/**
 * Lifecycle hook runs across ticks. The store holds every run from its start, so the walk of a
 * machine's hooks (domain/hooks.ts `hookStep`) is redone from it each time: a restarted
 * controller takes it up where it stood. In memory only: the webhooks this process sent, so a
 * tick never waits on one and a run is not sent twice by one process (kept until a tick reads
 * the run ended: a tick that read it running just before its answer was stored must not send it again).
 */
export class HookControl {
  private readonly inflight = new Map<string, { abort: AbortController; machine: string }>();
  /** Machines sent to the cloud once their terminate hooks ended: not sent again each tick (the fold's resend retries a lost call). */
  readonly released = new Set<string>();

  constructor(private readonly deps: HookControlDeps) {}

  async load(pool: string): Promise<Map<string, MachineRuns>> {
    return byMachine(await this.deps.store.hookRuns.listForPool(pool));
  }

  /** Deletes the runs no machine needs any more: all of those gone, the launch runs of those that served. */
  async prune(gone: readonly string[], served: readonly string[]): Promise<void> {
    if (gone.length > 0) await this.deps.store.hookRuns.deleteRuns(gone);
    if (served.length > 0) await this.deps.store.hookRuns.deleteRuns(served, 'launch');
    for (const id of gone) this.released.delete(id);
    if (gone.length > 0) for (const [run, sent] of this.inflight) if (gone.includes(sent.machine)) this.inflight.delete(run);
  }

  /**
   * Before machines are terminated: those whose terminate hooks must run first (they served, or
   * began their launch hooks) are held until their hooks end; the others are returned, free to
   * go. Called with machines already marked terminating and stored, so a crash holds them still.
   */
  async gate(t: PoolScope, machines: readonly Machine[], cause: string): Promise<Machine[]> {
    if (!t.spec.hooks?.terminate.length) return [...machines];
    const all = await this.load(t.spec.name);
    const free: Machine[] = [];
    for (const m of machines) {
      const mine = all.get(m.id);
      if (!needsTerminateHooks(m, (mine?.get('launch')?.size ?? 0) > 0) || (await this.advance(t, m, mine, { transition: 'terminate', cause }))) free.push(m);
    }
    return free;
  }

  /**
   * Moves one machine's hooks of one transition on, and says how they ended (undefined while
   * one runs): runs past their deadline are cut, runs that ended are told in an event each, and
   * the next hook is started (a webhook is sent beside the tick; a command waits for the agent's
   * next heartbeat to fetch it).
   */
  async advance(t: PoolScope, m: Machine, mine: MachineRuns | undefined, { transition, cause }: { transition: HookTransition; cause: string }): Promise<HooksEnded | undefined> {
    const { hookRuns } = this.deps.store;
    const hooks = t.spec.hooks?.[transition] ?? [];
    const runs = new Map(mine?.get(transition));
    for (const run of runs.values()) {
      if (run.status !== 'running') this.inflight.delete(run.id);
      const cut = cutAtDeadline(run, t.now);
      if (!cut) continue;
      // Its answer came first: read as stored on the next tick.
      if (!(await hookRuns.finish(run.id, { status: cut.status, endedAt: cut.endedAt!, detail: cut.detail }))) return undefined;
      this.inflight.get(run.id)?.abort.abort();
      this.inflight.delete(run.id);
      runs.set(run.hook, cut);
    }
    await this.announce(t, hooks, runs);
    const step = hookStep(hooks, runs);
    if (step.kind === 'end') return step;
    if (step.kind === 'wait') {
      // Sent by a process that has since stopped (a restart, a lease taken over): sent again, with the same delivery id.
      this.send(t, m, step.run, step.hook);
      return undefined;
    }
    const first = runs.values().next().value;
    const run = await hookRuns.start(startRun(m, transition, step.hook, first?.cause ?? cause, t.now));
    if (run.status === 'running') this.send(t, m, run, step.hook);
    return undefined;
  }

  /** Ends every webhook in flight (shutdown); their runs are taken up by the next controller. */
  close(): void {
    for (const sent of this.inflight.values()) sent.abort.abort(new Error('flotte is shutting down'));
    this.inflight.clear();
  }

  /** One event per run that ended and was not told yet. */
  private async announce(t: PoolScope, hooks: readonly LifecycleHook[], runs: Map<string, HookRun>): Promise<void> {
    const told: string[] = [];
    for (const run of runs.values()) {
      if (run.status === 'running' || run.announced) continue;
      const hook = hooks.find((h) => h.name === run.hook);
      t.journal.add(poolEvents.hookEnded(run, run.status === 'passed' ? undefined : hook?.defaultResult));
      runs.set(run.hook, { ...run, announced: true });
      told.push(run.id);
    }
    if (told.length > 0) await this.deps.store.hookRuns.markAnnounced(told);
  }

  /** Sends a webhook run beside the tick; its answer is stored when it comes, and read by a later tick. */
  private send(t: PoolScope, m: Machine, run: HookRun, hook: LifecycleHook): void {
    if (!hook.webhook || this.inflight.has(run.id)) return;
    const { webhook, clock, store, log } = this.deps;
    const abort = new AbortController();
    const sent = { abort, machine: m.id };
    this.inflight.set(run.id, sent);
    const call = {
      url: hook.webhook.url,
      secret: hook.webhook.secret,
      body: hookBody(run, m, t.spec),
      delivery: run.id,
      kind: run.transition === 'launch' ? 'LaunchHook' : 'TerminateHook',
      timeoutMs: Math.max(1, run.deadline - t.now),
      signal: abort.signal,
    };
    const answer: Promise<HookAnswer> = webhook ? webhook(call) : Promise.resolve({ ok: false, error: 'this controller has no webhook sender' });
    void answer
      .then(async (a) => {
        // Cut at its deadline (the tick recorded that) or shut down: nothing to record.
        if (abort.signal.aborted) return;
        const detail = a.ok ? `HTTP ${a.status ?? 200}` : (a.error ?? 'failed');
        const end = finishedRun(run, a.ok, detail, clock.now());
        await store.hookRuns.finish(run.id, { status: end.status, endedAt: end.endedAt!, detail: end.detail });
      })
      .catch((err: unknown) => {
        log.warn({ err, run: run.id }, 'a hook webhook answered, but its outcome could not be stored: it is sent again');
        if (this.inflight.get(run.id) === sent) this.inflight.delete(run.id);
      });
  }
}
