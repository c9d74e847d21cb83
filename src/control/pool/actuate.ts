import type { Action } from '../../domain/plan.js';
import type { LaunchIntent, Machine } from '../../domain/types.js';
import { isProviderError } from '../../providers/provider.js';
import { POWER_RESEND_MS } from '../constants.js';
import { applyDrainActions, noteDrainEnd } from '../drain.js';
import { poolEvents } from './events.js';
import { launchBatch, type AgentsOf } from './launch.js';
import type { PoolScope, PoolTick } from './tick.js';

/** What a pool's tick acts on once planned. */
export interface Actuation {
  /** The plan's actions (after the blast-radius guard). */
  actions: Action[];
  /** Open intents due a (re-)send this tick. */
  open: LaunchIntent[];
  /** Machines marked terminating whose terminate is re-sent. */
  resend: string[];
  /** Agent settings per launch intent (agent pools). */
  agent?: AgentsOf | undefined;
  /** Each machine's busy count from its agent, for drain events. */
  busy?: ReadonlyMap<string, number> | undefined;
}

/**
 * Acts on the plan through the provider: sends launches (their calls run alongside and are
 * awaited last), drains, stops and starts, terminates. It never assumes an action worked: the
 * next tick observes.
 */
export async function act(t: PoolTick, a: Actuation): Promise<void> {
  const busyOf = (id: string) => a.busy?.get(id) ?? 0;
  const launches = launchBatch(t, a.agent);
  for (const intent of a.open) launches.send(intent);
  for (const action of a.actions) {
    if (action.kind === 'launch') await launches.launch(action);
    else if (action.kind === 'drain' || action.kind === 'reclaim') applyDrainActions(t, action, busyOf);
    else if (action.kind === 'stop' || action.kind === 'start') await power(t, action.kind, action.ids, action.reason);
    else {
      noteDrainEnd(action, t.journal, busyOf);
      await terminate(t, action.ids, action.reason);
    }
  }
  if (a.resend.length > 0) await terminate(t, a.resend, 'Resend');
  await launches.done();
}

/** Marks machines terminating (stored first, so a crash re-sends rather than forgets), then asks the cloud for those no terminate hook holds. */
export async function terminate(t: PoolScope, ids: readonly string[], reason: string): Promise<void> {
  const { machines, journal, now } = t;
  const marked: Machine[] = [];
  for (const id of ids) {
    const m = machines.get(id);
    if (!m) continue;
    if (m.state !== 'terminating') {
      t.record({ ...m, state: 'terminating' as const, since: now });
      journal.add(poolEvents.terminating(m, reason));
    }
    marked.push(m);
  }
  await t.rt.store.saveMachines(marked.map((m) => machines.get(m.id)!));
  // Machines whose terminate hooks still run stay marked, and go once the hooks end (hooks/phase.ts).
  const free = t.rt.hooks ? await t.rt.hooks.gate(t, marked, reason) : marked;
  if (free.length === 0) return;
  try {
    const result = await t.provider.terminate(free.map((m) => m.id));
    for (const id of result.notFound) t.record({ ...machines.get(id)!, state: 'gone', since: now });
    for (const f of result.failed) journal.add(poolEvents.terminateFailed(f.id, f.error.message));
  } catch (e) {
    if (!isProviderError(e)) throw e;
    journal.add(poolEvents.terminateDeferred(free.length, e.message, e.retryable));
  }
}

/**
 * Stops or starts machines of a suspended or resumed pool; the next ticks observe the result.
 * A stopped machine's heartbeat is forgotten, so after a start it is ready only once its
 * agent has joined again. A machine is not asked the same again within POWER_RESEND_MS.
 */
export async function power(t: PoolScope, kind: 'stop' | 'start', ids: readonly string[], reason: string): Promise<void> {
  const { provider, journal, now } = t;
  const sent = t.rt.powerSends;
  for (const [id, last] of sent) if (now - last.at >= POWER_RESEND_MS) sent.delete(id);
  const due = ids.filter((id) => {
    const last = sent.get(id);
    return !last || last.kind !== kind;
  });
  if (due.length === 0) return;
  if (!provider.capabilities.stopStart) {
    journal.add(poolEvents.powerUnsupported(provider.name, kind, due.length, reason));
    for (const id of due) sent.set(id, { kind, at: now });
    return;
  }
  for (const id of due) sent.set(id, { kind, at: now });
  // A pool that rests shelved is shelved where the cloud can; `start` wakes either way.
  const shelve = kind === 'stop' && t.spec.suspendMode === 'shelve' ? provider.shelve?.bind(provider) : undefined;
  journal.add(poolEvents.powering(kind, due, shelve ? `${reason}; shelved, freeing their hosts` : reason));
  try {
    const result = shelve ? await shelve(due) : await provider[kind](due);
    if (kind === 'stop') await t.rt.store.deleteHeartbeats(result.done);
    for (const f of result.failed) journal.add(poolEvents.powerFailed(kind, f.id, f.error.message));
  } catch (e) {
    if (!isProviderError(e)) throw e;
    for (const id of due) sent.delete(id);
    journal.add(poolEvents.powerDeferred(kind, due.length, e.message, e.retryable));
  }
}
