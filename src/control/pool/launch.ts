import type { Action } from '../../domain/plan.js';
import { resolveIntent } from '../../domain/intents.js';
import { TAG, type LaunchIntent } from '../../domain/types.js';
import type { AgentBootstrap } from '../../providers/provider.js';
import { launchJoinToken, newJoinKey } from '../../store/agent-secrets.js';
import { INTENT_RETRY_MS } from '../constants.js';
import { poolEvents } from './events.js';
import type { PoolTick } from './tick.js';

/** A launch's agent settings, by launch intent (each intent has its own join token). */
export type AgentsOf = (intent: string) => AgentBootstrap;

/** Open intents' launches still in flight, per zone (for the plan), and the intents to send this tick. */
export interface ResolvedIntents {
  pending: Map<string, number>;
  send: LaunchIntent[];
}

/**
 * Decides each open intent from the machines the cloud lists with its tag (in any state) or
 * that were recorded for it: closed when all are there, left waiting while the list may still
 * lag its last send, and otherwise only its missing machines launched (see resolveIntent).
 */
export async function resolveIntents(t: PoolTick, intents: readonly LaunchIntent[]): Promise<ResolvedIntents> {
  const { now, rt, journal } = t;
  const pending = new Map<string, number>();
  const send: LaunchIntent[] = [];
  if (intents.length === 0) return { pending, send };
  const made = new Map<string, Set<string>>(intents.map((i) => [i.id, new Set<string>()]));
  for (const pm of t.seen) made.get(pm.tags[TAG.intent] ?? '')?.add(pm.id);
  for (const m of t.machines.values()) if (m.intent) made.get(m.intent)?.add(m.id);
  // After a throttle nothing was made: the usual pause. After anything else (a lost reply, a
  // crash) the cloud may have made machines it does not list yet: wait out its list grace.
  const settled = Math.max(INTENT_RETRY_MS, t.provider.limits.listGraceMs);
  for (const i of intents) {
    let last = rt.intentSends.get(i.id);
    // Open, but not sent by this controller: its stored send time says how long ago it last went
    // out (0: never, as an operation's intents start); unknown on old rows, taken as just now.
    if (!last) rt.intentSends.set(i.id, (last = { at: i.sentAt ?? now, refused: false }));
    const v = resolveIntent(i.count, made.get(i.id)!.size, last.at, now, last.refused ? INTENT_RETRY_MS : settled);
    if (v.kind === 'closed') {
      await rt.store.setIntentStatus(i.id, 'done');
      rt.intentSends.delete(i.id);
      journal.add(poolEvents.intentClosed(i, v.made));
      continue;
    }
    pending.set(i.zone, (pending.get(i.zone) ?? 0) + v.missing);
    if (v.kind === 'resend') send.push(i);
    if (v.kind !== 'follow-up') continue;
    // Closed before its follow-up exists: a crash in between leaves the missing machines to the plan, never launched twice.
    await rt.store.setIntentStatus(i.id, 'done');
    rt.intentSends.delete(i.id);
    const next = await rt.launcher.followUp(t, i, v.missing);
    journal.add(poolEvents.intentFollowedUp(i, v.made, v.missing, next.id));
    send.push(next);
  }
  return { pending, send };
}

/** A tick's launches: sends start at once and run alongside the tick's other actions; `done` awaits them all. */
export interface LaunchBatch {
  send(intent: LaunchIntent): void;
  /** A planned launch: new intents (at most the provider's per-call count each), each sent. */
  launch(action: Extract<Action, { kind: 'launch' }>): Promise<void>;
  done(): Promise<void>;
}

export function launchBatch(t: PoolTick, agent: AgentsOf | undefined): LaunchBatch {
  const { spec, provider, journal, now, rt } = t;
  const sends: Promise<void>[] = [];
  const send = (intent: LaunchIntent) => {
    rt.intentSends.set(intent.id, { at: now, refused: false });
    sends.push(
      rt.launcher.send(t, intent, { agent: agent?.(intent.id), unavailableSizes: rt.offerings.sizesIn(spec.provider, intent.zone, now) }).then((out) => {
        for (const m of out.machines) t.record(m);
        // Sizes another size stood in for: skipped by the plan until the memory runs out.
        for (const size of out.exhausted) rt.offerings.mark(spec.provider, intent.zone, size, now);
        if (out.open) rt.intentSends.set(intent.id, { at: now, refused: out.refused });
        else rt.intentSends.delete(intent.id);
        if (out.capacityExhausted) {
          rt.offerings.mark(spec.provider, intent.zone, intent.size, now);
          journal.add(poolEvents.zoneUnavailable(intent.zone, intent.size, rt.offerings.ttlMinutes));
        }
      }),
    );
    // Still awaited in `done`; this only keeps a send that fails while a later step throws (a
    // fenced intent write) from becoming an unhandled rejection that would end the process.
    sends.at(-1)!.catch(() => undefined);
  };
  return {
    send,
    async launch(action) {
      journal.add(poolEvents.launching(action.zone, action.count, action.reason));
      let left = action.count;
      while (left > 0) {
        const n = Math.min(left, provider.limits.launchPerCall);
        const replaces = action.replaces.splice(0, n);
        takeUnreplaced(t.unreplaced, replaces);
        send(await rt.launcher.newIntent(t, { zone: action.zone, size: action.size, count: n, replaces }));
        left -= n;
      }
    },
    async done() {
      await Promise.all(sends);
    },
  };
}

/** Launches that replace machines take them off the pool's unreplaced list. */
function takeUnreplaced(list: string[], ids: readonly string[]): void {
  for (const id of ids) {
    const i = list.indexOf(id);
    if (i >= 0) list.splice(i, 1);
  }
}

/**
 * What a launched machine's agent needs to join, per launch intent; undefined until the API
 * listens. The token is derived from the intent, so a re-send carries the same user-data.
 */
export async function bootstrap(t: PoolTick): Promise<AgentsOf | undefined> {
  const server = t.rt.agentServer?.();
  if (!server) return undefined;
  const key = await t.rt.store.agentJoinKey(newJoinKey(), t.now);
  return (intent) => ({ server, pool: t.spec.name, joinToken: launchJoinToken(key, t.spec.name, intent) });
}
