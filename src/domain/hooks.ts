import type { StateChange } from './reconcile.js';
import type { Machine } from './types.js';

/**
 * Lifecycle hooks: work a pool runs on each machine at two transitions, before the machine
 * serves (`launch`) and before it is terminated (`terminate`). A hook is a signed webhook the
 * controller calls or a command the machine's agent runs; each has a timeout, and a default
 * result for when it fails or times out.
 *
 *   launch:    booting ──(hooks run, one at a time)──► ready
 *                   └──(one ends in abandon)──► terminating (replaced)
 *   terminate: decided ─► terminating ──(hooks run, or abandon skips the rest)──► terminate sent
 */
export const HOOK_TRANSITIONS = ['launch', 'terminate'] as const;
export type HookTransition = (typeof HOOK_TRANSITIONS)[number];

/** `continue`: go on as if the hook passed; `abandon`: a launch gives the machine up, a terminate skips its remaining hooks. */
export const HOOK_RESULTS = ['continue', 'abandon'] as const;
export type HookResult = (typeof HOOK_RESULTS)[number];

/** At most this many hooks per transition (EC2 Auto Scaling's limit too). */
export const MAX_HOOKS = 50;
export const DEFAULT_HOOK_TIMEOUT_MS = 60_000;
/** EC2 Auto Scaling's default too: a machine nobody vouched for does not serve. */
export const DEFAULT_HOOK_RESULT: HookResult = 'abandon';

/** Where a webhook's signing key is read, on the controller: an environment variable or a file. */
export type HookSecret = { env: string } | { file: string };

/** One hook as configured; exactly one of `webhook` and `command`. */
export interface LifecycleHook {
  name: string;
  webhook?: { url: string; secret: HookSecret } | undefined;
  /** Run through the shell by the machine's agent; exit 0 passes. */
  command?: string | undefined;
  timeoutMs: number;
  defaultResult: HookResult;
}

/** A pool's hooks, run in list order. */
export interface PoolHooks {
  launch: LifecycleHook[];
  terminate: LifecycleHook[];
}

export const HOOK_RUN_STATUSES = ['running', 'passed', 'failed', 'timeout'] as const;
export type HookRunStatus = (typeof HOOK_RUN_STATUSES)[number];

/**
 * One hook run on one machine, stored from its start, so a restarted controller neither loses
 * it nor runs a passed hook again. Its id is the same wherever it is computed (see `hookRunId`):
 * a webhook sent again after a crash carries the same delivery id.
 */
export interface HookRun {
  id: string;
  machine: string;
  pool: string;
  transition: HookTransition;
  hook: string;
  kind: 'webhook' | 'command';
  /** Why the transition happened (`Launched`, `ScaleIn`, `ReplaceUnhealthy`…), for the webhook's body. */
  cause: string;
  status: HookRunStatus;
  startedAt: number;
  /** When it is cut: startedAt + the hook's timeout. */
  deadline: number;
  endedAt?: number | undefined;
  /** What was seen: an HTTP status, a command's last output, a timeout. */
  detail?: string | undefined;
  /** Its outcome's event was written. */
  announced: boolean;
}

export const hookRunId = (machine: string, transition: HookTransition, hook: string): string => `${machine}:${transition}:${hook}`;

export const hookKind = (h: LifecycleHook): HookRun['kind'] => (h.webhook ? 'webhook' : 'command');

export const hasHooks = (hooks: PoolHooks | undefined, transition: HookTransition): boolean => (hooks?.[transition].length ?? 0) > 0;

/** A new run of `hook`, started now. */
export function startRun(m: Pick<Machine, 'id' | 'pool'>, transition: HookTransition, hook: LifecycleHook, cause: string, now: number): HookRun {
  return { id: hookRunId(m.id, transition, hook.name), machine: m.id, pool: m.pool, transition, hook: hook.name, kind: hookKind(hook), cause, status: 'running', startedAt: now, deadline: now + hook.timeoutMs, announced: false };
}

/** A running run whose deadline passed ends as timed out, at its deadline; undefined for any other run. */
export function cutAtDeadline(run: HookRun, now: number): HookRun | undefined {
  if (run.status !== 'running' || now < run.deadline) return undefined;
  return { ...run, status: 'timeout', endedAt: run.deadline, detail: run.kind === 'webhook' ? 'no answer' : 'its agent reported no end' };
}

/** How an answer ends a run: passed on success, else failed, or timed out when it came at or past the deadline. */
export function finishedRun(run: HookRun, ok: boolean, detail: string, now: number): HookRun {
  const status: HookRunStatus = ok ? 'passed' : now >= run.deadline ? 'timeout' : 'failed';
  return { ...run, status, endedAt: Math.min(now, run.deadline), detail };
}

/** What a run's end means for the machine: a pass continues; a failure or timeout takes the hook's default result. */
export function resultOf(run: HookRun, hook: Pick<LifecycleHook, 'defaultResult'>): HookResult {
  return run.status === 'passed' ? 'continue' : hook.defaultResult;
}

/** The next thing to do for one machine's hooks of one transition. */
export type HookStep =
  /** Start this hook now (no run of it yet). */
  | { kind: 'start'; hook: LifecycleHook }
  /** This run is in flight and within its deadline. */
  | { kind: 'wait'; run: HookRun; hook: LifecycleHook }
  /** Every hook ran (continue), or `by` ended in abandon. */
  | { kind: 'end'; result: HookResult; by?: HookRun | undefined };

/**
 * Walks the hooks in order against the machine's runs (all of this transition): the first hook
 * without a run starts; a running one waits; an ended one continues, or ends the walk when its
 * result is abandon. Runs are expected cut at their deadline first (`cutAtDeadline`); a run
 * of a hook no longer configured is ignored.
 */
export function hookStep(hooks: readonly LifecycleHook[], runs: ReadonlyMap<string, HookRun>): HookStep {
  for (const hook of hooks) {
    const run = runs.get(hook.name);
    if (!run) return { kind: 'start', hook };
    if (run.status === 'running') return { kind: 'wait', run, hook };
    if (resultOf(run, hook) === 'abandon') return { kind: 'end', result: 'abandon', by: run };
  }
  return { kind: 'end', result: 'continue' };
}

/**
 * Launch hooks stand between "up" and `ready`: a machine that was never ready (reboots and
 * recoveries do not run them again) whose provider or agent says it is up stays booting until
 * its launch hooks end. The hook phase then makes it ready, or abandons it.
 */
export function holdForLaunchHooks(change: StateChange | null, m: Pick<Machine, 'state' | 'readyAt'>, hooks: PoolHooks | undefined): StateChange | null {
  if (!change || change.to !== 'ready' || m.readyAt !== undefined || !hasHooks(hooks, 'launch')) return change;
  if (m.state === 'booting') return null;
  return { to: 'booting', reason: 'Booting', cause: 'up; waiting for its launch hooks', unexpected: false };
}

/**
 * Whether terminating a machine runs the pool's terminate hooks: only for one that served (was
 * ever ready) or began its launch hooks, which may have registered it somewhere. A machine
 * given up before it ever ran has nothing to undo.
 */
export function needsTerminateHooks(m: Pick<Machine, 'readyAt'>, launchBegan: boolean): boolean {
  return m.readyAt !== undefined || launchBegan;
}

/** Whole seconds when whole, else to the tenth: `30s`, `2.5s`. */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
}
