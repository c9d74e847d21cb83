import { seconds, type HookResult, type HookRun } from '../../domain/hooks.js';
import type { StateChange } from '../../domain/reconcile.js';
import type { EventReason, LaunchIntent, Machine } from '../../domain/types.js';
import type { ProviderError, ProviderMachine } from '../../providers/provider.js';
import type { Interruption } from '../interruptions.js';

/** One event as a pool phase writes it (the journal adds the pool and the time). */
export interface PoolEvent {
  reason: EventReason;
  message: string;
  machine?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

const HOOK_REASON = { passed: 'HookPassed', failed: 'HookFailed', timeout: 'HookTimedOut', running: 'HookFailed' } as const;

/** How a hook run ended, in words: `passed in 1.2s`, `failed in 0.3s: HTTP 500`, `timed out after 30s`. */
function hookOutcome(run: HookRun): string {
  const took = seconds((run.endedAt ?? run.deadline) - run.startedAt);
  if (run.status === 'passed') return `passed in ${took}`;
  if (run.status === 'timeout') return `timed out after ${seconds(run.deadline - run.startedAt)}`;
  return `failed in ${took}${run.detail ? `: ${run.detail}` : ''}`;
}

const ev = (reason: EventReason, message: string, machine?: string, data?: Record<string, unknown>): PoolEvent => ({ reason, message, machine, data });

/**
 * The events of the pool pipeline, one constructor each: the reason, the wording and the data
 * of an event are decided here once, so the phases only say what happened.
 */
export const poolEvents = {
  adopted: (m: Machine, pm: ProviderMachine, pool: string) => ev('Adopted', `adopted ${m.id} (${pm.status}) found in the cloud with ${pool}'s tags`, m.id, { intent: m.intent }),
  changed: (m: Machine, change: StateChange) => ev(change.reason, `${m.id}: ${m.state} → ${change.to} (${change.cause})`, m.id, { from: m.state, to: change.to }),
  interrupted: (id: string, n: Interruption) => ev(n.reason, `${id} is taken back at ${new Date(n.at).toISOString()}: launching its replacement first`, id, { at: n.at }),
  intentClosed: (i: Pick<LaunchIntent, 'id' | 'count'>, made: number) => ev('IntentResolved', `${i.id}: all ${i.count} machines found in the cloud; nothing re-sent`, undefined, { intent: i.id, made }),
  intentFollowedUp: (i: Pick<LaunchIntent, 'id' | 'count'>, made: number, missing: number, next: string) =>
    ev('IntentResolved', `${i.id}: ${made} of ${i.count} machines found in the cloud; the missing ${missing} launched as ${next}`, undefined, { intent: i.id, made, followUp: next }),
  zoneUnavailable: (zone: string, size: string, minutes: number) => ev('ZoneUnavailable', `${size} in ${zone} is out of capacity: skipped for ${minutes} min`, undefined, { zone, size }),
  offeringBackoff: (offering: string, minutes: number) => ev('OfferingBackoff', `replacements in ${offering} keep failing: skipped for ${minutes} min`, undefined, { offering }),
  launching: (zone: string, count: number, reason: string) => ev(reason === 'Replace' ? 'Replacing' : 'ScaledOut', `launching ${count} in ${zone} (${reason})`, undefined, { zone, count }),
  terminating: (m: Machine, reason: string) => ev('Terminating', `${m.id}: ${m.state} → terminating (${reason})`, m.id, { from: m.state, reason }),
  terminateFailed: (id: string, error: string) => ev('TerminateFailed', `terminate of ${id} failed: ${error}`, id),
  terminateDeferred: (count: number, error: string, retryable: boolean) => ev(retryable ? 'Throttled' : 'TerminateFailed', `terminate of ${count} deferred: ${error}`),
  powerUnsupported: (provider: string, kind: 'stop' | 'start', count: number, reason: string) => ev('StopStartUnsupported', `${provider} cannot ${kind} machines: ${count} left as they are (${reason})`),
  powering: (kind: 'stop' | 'start', ids: string[], reason: string) =>
    ev(kind === 'stop' ? 'Stopping' : 'Starting', `${kind === 'stop' ? 'stopping' : 'starting'} ${ids.length} machines (${reason}): ${ids.join(' ')}`, undefined, { ids, reason }),
  powerFailed: (kind: 'stop' | 'start', id: string, error: string) => ev(kind === 'stop' ? 'StopFailed' : 'StartFailed', `${kind} of ${id} failed: ${error}`, id),
  powerDeferred: (kind: 'stop' | 'start', count: number, error: string, retryable: boolean) =>
    ev(retryable ? 'Throttled' : kind === 'stop' ? 'StopFailed' : 'StartFailed', `${kind} of ${count} deferred: ${error}`),
  launched: (m: Machine, intent: string) =>
    ev('Launched', m.replaces ? `launched ${m.id} in ${m.zone}, replacing ${m.replaces}` : `launched ${m.id} in ${m.zone}`, m.id, { intent, size: m.size, ...(m.replaces ? { replaces: m.replaces } : {}) }),
  replaced: (old: string, by: string) => ev('Replaced', `${old} replaced by ${by}`, old, { by }),
  launchedShort: (i: LaunchIntent, failed: { count: number; error: ProviderError }) =>
    ev('LaunchFailed', `${failed.count} of ${i.count} machines in ${i.zone} (${i.size}) not launched: ${failed.error.message}`, undefined, { kind: failed.error.kind, zone: i.zone, size: i.size }),
  launchDeferred: (i: LaunchIntent, e: ProviderError) => ev(e.kind === 'throttled' ? 'Throttled' : 'ProviderUnavailable', `launch of ${i.count} in ${i.zone} deferred: ${e.message}`, undefined, { intent: i.id }),
  launchFailed: (i: LaunchIntent, kind: string, error: string) => ev('LaunchFailed', `launch of ${i.count} in ${i.zone} (${i.size}) failed: ${error}`, undefined, { kind, zone: i.zone, size: i.size }),
  draining: (m: Machine, reason: string, busy: number) => ev('Draining', `${m.id}: ${m.state} → draining (${reason}; busy ${busy})`, m.id, { from: m.state, busy }),
  reclaimed: (id: string) => ev('Reclaimed', `${id}: draining → ready (the pool needs it again; drain cancelled)`, id, { from: 'draining' }),
  drainEnded: (reason: 'Drained' | 'DrainTimeout', id: string, busy: number) =>
    ev(reason, reason === 'Drained' ? `${id}: drained (idle), terminating` : `${id}: drain deadline passed with busy ${busy}, terminating`, id, { busy }),
  unhealthy: (m: Machine, verdict: { cause: string; reason: string }) => ev('Unhealthy', `${m.id}: ${m.state} → unhealthy (${verdict.cause})`, m.id, { from: m.state, to: 'unhealthy', check: verdict.reason }),
  healingResumed: (back: string[], counted: string[]) => ev('HealingResumed', `automatic replacement resumed: ${back.length} of the ${counted.length} machines the brake counted recovered`, undefined, { recovered: back, counted }),
  healingPaused: (reason: string, n: { failed: number; size: number; share: number }) => ev('HealingPaused', reason, undefined, { failed: n.failed, size: n.size, share: n.share }),
  protection: (id: string, on: boolean) => ev(on ? 'Protected' : 'Unprotected', `${id}: scale-in protection ${on ? 'on' : 'off'}`, id),
  blastRadiusHold: (message: string, held: number, share: number) => ev('BlastRadiusHold', message, undefined, { held, share }),
  poolRemoved: (pool: string) => ev('PoolRemoved', `${pool} is no longer in the config and has no machine left: deleted`),
  hookEnded: (run: HookRun, result: HookResult | undefined) =>
    ev(HOOK_REASON[run.status], `${run.machine}: ${run.transition} hook ${run.hook} (${run.kind}) ${hookOutcome(run)}${run.status !== 'passed' && result ? ` → ${result}` : ''}`, run.machine, {
      hook: run.hook,
      transition: run.transition,
      kind: run.kind,
      status: run.status,
      durationMs: (run.endedAt ?? run.deadline) - run.startedAt,
      ...(result ? { result } : {}),
      ...(run.detail ? { detail: run.detail } : {}),
    }),
  launchAbandoned: (m: Machine, by: HookRun) =>
    ev('LaunchAbandoned', `${m.id}: launch hook ${by.hook} ${hookOutcome(by)} and its result is abandon: terminating it and launching a replacement`, m.id, { hook: by.hook, status: by.status, ...(by.detail ? { detail: by.detail } : {}) }),
  hooksPassed: (m: Machine, count: number) => ev('Ready', `${m.id}: booting → ready (its ${count} launch hook${count === 1 ? '' : 's'} ended)`, m.id, { from: m.state, to: 'ready' }),
  operationMoved: (m: Machine, to: Machine['state'], reason: EventReason, cause: string) => ev(reason, `${m.id}: ${m.state} → ${to} (${cause})`, m.id, { from: m.state, to, cause }),
};
