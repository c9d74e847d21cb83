import { randomUUID } from 'node:crypto';
import { TAG, type LaunchIntent, type Machine, type PoolSpec } from '../domain/types.js';
import { isProviderError, type AgentBootstrap, type ProviderMachine } from '../providers/provider.js';
import { isFenced } from '../store/fence.js';
import type { IntentWrites } from '../store/ports.js';
import { poolEvents } from './pool/events.js';
import type { PoolTick } from './pool/tick.js';

/** What a launch is made for: a pool, its template (version) and the tick's time. */
export type LaunchTarget = Pick<PoolTick, 'spec' | 'template' | 'now'>;

/** Where a new intent's machines go. */
export interface LaunchPlace {
  zone: string;
  size: string;
  count: number;
  /** Machines the new ones replace, in order. */
  replaces: string[];
}

export interface LaunchOutcome {
  machines: Machine[];
  /** A capacity error for this zone/size: the caller remembers it for a while. */
  capacityExhausted: boolean;
  /** Other sizes the cloud refused for capacity in this zone during the call: remembered the same way. */
  exhausted: readonly string[];
  /** The intent stays open (no answer the cloud's state can be read from): resolved on a later tick. */
  open: boolean;
  /** The cloud refused the call outright (throttled): nothing was made, the intent may be re-sent soon. */
  refused: boolean;
}

/** What a send carries besides the intent: the agent's join settings, and sizes the capacity memory skips. */
export interface LaunchExtras {
  agent?: AgentBootstrap | undefined;
  unavailableSizes?: readonly string[] | undefined;
}

/**
 * Launches through a persisted intent. The intent is written before the provider call and its
 * id is the call's idempotency token, so a crash anywhere leaves an open intent that the next
 * controller re-sends with the same token: the cloud returns what it already made, nothing twice.
 */
export class Launcher {
  constructor(
    private readonly store: IntentWrites,
    private readonly cluster: string,
  ) {}

  async newIntent(t: LaunchTarget, at: LaunchPlace): Promise<LaunchIntent> {
    const { spec, template, now } = t;
    const { zone, size, count, replaces } = at;
    const intent: LaunchIntent = {
      id: `li-${randomUUID()}`,
      pool: spec.name,
      zone,
      size,
      count,
      templateVersion: template.version,
      createdAt: now,
      replaces,
      status: 'open',
      // Sent within this tick (send below): a crash before the call only costs one list grace.
      sentAt: now,
    };
    await this.store.createIntent(intent);
    return intent;
  }

  /**
   * A new intent for the machines an open one is missing: same zone, size and template version,
   * with the replacements it did not make, under its own token (the open one is closed first).
   */
  async followUp(t: LaunchTarget, intent: LaunchIntent, missing: number): Promise<LaunchIntent> {
    const pinned = { spec: t.spec, template: { ...t.template, version: intent.templateVersion }, now: t.now };
    return this.newIntent(pinned, { zone: intent.zone, size: intent.size, count: missing, replaces: intent.replaces.slice(intent.count - missing) });
  }

  /** Sends (or re-sends) an open intent. Throttling and outages leave it open for the next tick. */
  async send(t: LaunchTarget & Pick<PoolTick, 'provider' | 'journal'>, intent: LaunchIntent, extra: LaunchExtras = {}): Promise<LaunchOutcome> {
    const { spec, template, provider, journal, now } = t;
    const { agent, unavailableSizes = [] } = extra;
    try {
      // Before the call, so that a controller started after a crash knows how long ago it may have gone out.
      if (intent.sentAt !== now) await this.store.markIntentSent(intent.id, now);
      const result = await provider.launch({
        token: intent.id,
        template,
        size: intent.size,
        zone: intent.zone,
        count: intent.count,
        tags: this.tags(spec, intent),
        ...(agent ? { agent } : {}),
        ...(spec.userData !== undefined ? { extraUserData: spec.userData } : {}),
        ...(unavailableSizes.length > 0 ? { unavailableSizes } : {}),
      });
      const machines = result.launched.map((pm, i) => toMachine(pm, spec, now, { intent, replaces: intent.replaces[i] }));
      for (const m of machines) {
        journal.save(m);
        journal.add(poolEvents.launched(m, intent.id));
        if (m.replaces) journal.add(poolEvents.replaced(m.replaces, m.id));
      }
      if (result.failed) journal.add(poolEvents.launchedShort(intent, result.failed));
      await this.store.setIntentStatus(intent.id, 'done');
      return { machines, capacityExhausted: result.failed?.error.kind === 'capacity', exhausted: result.exhausted ?? [], open: false, refused: false };
    } catch (e) {
      // The lease moved on: the intent stays open for the new owner, who re-sends it with the same token.
      if (isFenced(e)) throw e;
      if (isProviderError(e) && e.retryable) {
        journal.add(poolEvents.launchDeferred(intent, e));
        return { machines: [], capacityExhausted: false, exhausted: [], open: true, refused: e.kind === 'throttled' };
      }
      await this.store.setIntentStatus(intent.id, 'failed');
      const kind = isProviderError(e) ? e.kind : 'internal';
      journal.add(poolEvents.launchFailed(intent, kind, (e as Error).message));
      return { machines: [], capacityExhausted: kind === 'capacity', exhausted: [], open: false, refused: false };
    }
  }

  tags(spec: PoolSpec, intent: LaunchIntent): Record<string, string> {
    return {
      ...spec.labels,
      [TAG.cluster]: this.cluster,
      [TAG.pool]: spec.name,
      [TAG.intent]: intent.id,
      [TAG.template]: String(intent.templateVersion),
    };
  }
}

const STATE_OF: Record<ProviderMachine['status'], Machine['state']> = {
  pending: 'booting',
  running: 'ready',
  rebooting: 'rebooting',
  stopping: 'stopped',
  stopped: 'stopped',
  error: 'unhealthy',
  terminating: 'terminating',
  terminated: 'gone',
};

/** A machine record for something the provider lists; used for launches and for adoption. */
export function toMachine(pm: ProviderMachine, spec: PoolSpec, now: number, from: { intent?: Pick<LaunchIntent, 'id' | 'templateVersion'> | undefined; replaces?: string | undefined } = {}): Machine {
  const { intent, replaces } = from;
  const state = STATE_OF[pm.status];
  return {
    id: pm.id,
    pool: spec.name,
    provider: spec.provider,
    zone: pm.zone,
    size: pm.size,
    state,
    since: now,
    launchedAt: pm.launchedAt,
    readyAt: state === 'ready' ? now : undefined,
    templateVersion: intent?.templateVersion ?? (Number(pm.tags[TAG.template]) || 0),
    intent: intent?.id ?? pm.tags[TAG.intent],
    replaces,
    protected: false,
    labels: { ...spec.labels },
    addresses: pm.addresses,
  };
}
