import type { HookRun, HookSecret } from '../../domain/hooks.js';
import type { Machine, PoolSpec } from '../../domain/types.js';

/** One hook webhook to send: signed with the key `secret` names, cut at `timeoutMs` or when `signal` aborts. */
export interface HookCall {
  url: string;
  secret: HookSecret;
  body: string;
  /** The run's id: the same on every send of one run, so a receiver can tell a repeat. */
  delivery: string;
  /** `LaunchHook` or `TerminateHook`, in the event header. */
  kind: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/** How a call ended; never thrown: a refused connection or a missing key is an answer too. */
export interface HookAnswer {
  ok: boolean;
  status?: number | undefined;
  error?: string | undefined;
}

/**
 * Sends one hook webhook. Declared here and given by the composition root (which signs as the
 * notifications do), so that nothing on the tick path imports a sender: a call only starts here,
 * and its answer is recorded beside the loop.
 */
export type HookWebhook = (call: HookCall) => Promise<HookAnswer>;

/** The JSON a hook's receiver gets: which pool, machine and transition, and until when it may take. */
export function hookBody(run: HookRun, m: Machine, spec: Pick<PoolSpec, 'name' | 'labels'>): string {
  return JSON.stringify({
    pool: spec.name,
    labels: spec.labels,
    transition: run.transition,
    hook: run.hook,
    run: run.id,
    cause: run.cause,
    startedAt: new Date(run.startedAt).toISOString(),
    deadline: new Date(run.deadline).toISOString(),
    machine: {
      id: m.id,
      zone: m.zone,
      size: m.size,
      state: m.state,
      templateVersion: m.templateVersion,
      launchedAt: new Date(m.launchedAt).toISOString(),
      addresses: m.addresses,
      ...(m.replaces ? { replaces: m.replaces } : {}),
    },
  });
}
