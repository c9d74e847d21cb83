import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { offeringKey, plan, type Action, type Plan } from '../domain/plan.js';
import { reconcileMachine } from '../domain/reconcile.js';
import { TAG, type FleetEvent, type LaunchIntent, type Machine, type PoolSpec, type Template } from '../domain/types.js';
import { isProviderError, type Provider, type ProviderMachine } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import { CAPACITY_BACKOFF_MS, INTENT_RETRY_MS, TERMINATE_RESEND_MS } from './constants.js';
import { FleetState } from './fleet-state.js';
import { Journal } from './journal.js';
import { Launcher, toMachine } from './launcher.js';

export interface ControllerDeps {
  store: Store;
  /** Providers by the name pools refer to them with. */
  providers: ReadonlyMap<string, Provider>;
  clock: Clock;
  cluster: string;
  log: Logger;
  /** Told about every event the controller writes (live streams, metrics). */
  onEvents?: (events: FleetEvent[]) => void;
}

export interface TickReport {
  pools: number;
  machines: number;
  actions: number;
  plans: Map<string, Plan>;
}

/**
 * The level-triggered loop: each tick, per pool, observe (provider list by ownership tag),
 * plan (pure), act (through the provider). It never assumes an action worked: the next tick
 * observes. Intents written before launches make a crash at any point safe.
 */
export class Controller {
  private state!: FleetState;
  private readonly launcher: Launcher;
  /** Failed machines awaiting a replacement, per pool. */
  private readonly unreplaced = new Map<string, string[]>();
  /** `provider/zone/size` → time until which it is skipped. */
  private readonly exhausted = new Map<string, number>();
  private readonly lastIntentSend = new Map<string, number>();

  constructor(private readonly deps: ControllerDeps) {
    this.launcher = new Launcher(deps.store, deps.cluster);
  }

  /** Loads what the store knows; the first tick then adopts and resolves whatever the cloud holds. */
  async start(): Promise<void> {
    this.state = await FleetState.load(this.deps.store);
  }

  async tick(): Promise<TickReport> {
    const { store, log } = this.deps;
    const now = this.deps.clock.now();
    const pools = await store.listPools();
    const listed = await this.listAll(pools, now);
    const plans = new Map<string, Plan>();
    let actions = 0;
    await Promise.all(
      pools.map(async (spec) => {
        const seen = listed.get(spec.provider);
        if (!seen) return; // the provider could not be read: decide nothing on stale data
        try {
          const p = await this.reconcilePool(spec, seen.get(spec.name) ?? [], now);
          if (p) {
            plans.set(spec.name, p);
            actions += p.actions.length;
          }
        } catch (e) {
          log.error({ err: e, pool: spec.name }, 'reconcile failed');
        }
      }),
    );
    return { pools: pools.length, machines: this.state.count(), actions, plans };
  }

  /** One list call per provider per tick, shared by its pools. */
  private async listAll(pools: PoolSpec[], now: number): Promise<Map<string, Map<string, ProviderMachine[]>>> {
    const out = new Map<string, Map<string, ProviderMachine[]>>();
    const names = new Set(pools.map((p) => p.provider));
    await Promise.all(
      [...names].map(async (name) => {
        const provider = this.deps.providers.get(name);
        if (!provider) return this.deps.log.error({ provider: name }, 'pool names an unknown provider');
        try {
          const byPool = new Map<string, ProviderMachine[]>();
          for (const pm of await provider.list({ cluster: this.deps.cluster })) {
            const pool = pm.tags[TAG.pool];
            if (!pool) continue;
            let list = byPool.get(pool);
            if (!list) byPool.set(pool, (list = []));
            list.push(pm);
          }
          out.set(name, byPool);
        } catch (e) {
          this.deps.log.warn({ provider: name, err: e, at: now }, 'list failed; skipping its pools this tick');
        }
      }),
    );
    return out;
  }

  private async reconcilePool(spec: PoolSpec, seen: ProviderMachine[], now: number): Promise<Plan | undefined> {
    const { store } = this.deps;
    const provider = this.deps.providers.get(spec.provider)!;
    const template = await store.getTemplate(spec.template);
    if (!template) return undefined;
    const journal = new Journal(spec.name, now);
    const machines = this.state.machines(spec.name);
    const byId = new Map(seen.map((pm) => [pm.id, pm]));
    const unreplaced = this.unreplacedOf(spec.name);

    // Observe: adopt what carries our tags but we have no record of (a crash between a launch and its record).
    for (const pm of seen) {
      if (machines.has(pm.id) || pm.status === 'terminated' || pm.status === 'terminating') continue;
      const m = toMachine(pm, spec, undefined, now);
      this.record(m, journal);
      journal.event('Adopted', `adopted ${m.id} (${pm.status}) found in the cloud with ${spec.name}'s tags`, m.id, { intent: m.intent });
    }
    // Fold the provider's view into each machine's lifecycle.
    const resend: string[] = [];
    for (const m of [...machines.values()]) {
      const pm = byId.get(m.id);
      const change = reconcileMachine(m, pm, now, provider.limits.listGraceMs);
      if (change) {
        this.record({ ...m, state: change.to, since: now, readyAt: change.to === 'ready' ? now : m.readyAt }, journal);
        journal.event(change.reason, `${m.id}: ${m.state} → ${change.to} (${change.cause})`, m.id, { from: m.state, to: change.to });
        if (change.unexpected) unreplaced.push(m.id);
      } else if (m.state === 'terminating' && pm && pm.status !== 'terminating' && now - m.since > TERMINATE_RESEND_MS) {
        resend.push(m.id);
      }
    }

    // Launch intents still open (throttled, or a crash before the record) count as in flight.
    const intents = await store.listIntents({ pool: spec.name, status: 'open' });
    const pendingLaunches = new Map<string, number>();
    const seenPerIntent = new Map<string, number>();
    for (const pm of seen) {
      const intent = pm.tags[TAG.intent];
      if (intent) seenPerIntent.set(intent, (seenPerIntent.get(intent) ?? 0) + 1);
    }
    for (const i of intents) {
      const missing = Math.max(0, i.count - (seenPerIntent.get(i.id) ?? 0));
      pendingLaunches.set(i.zone, (pendingLaunches.get(i.zone) ?? 0) + missing);
    }

    const p = plan(spec, { machines: [...machines.values()], pendingLaunches, unreplaced, unavailable: this.unavailable(spec.provider, now), sizes: template.sizes }, now);
    for (const note of p.notes) this.deps.log.debug({ pool: spec.name }, note);

    await this.act(spec, template, provider, p.actions, intents, resend, journal, now);
    const events = await journal.flush(store);
    if (events.length > 0) this.deps.onEvents?.(events);
    return p;
  }

  private async act(spec: PoolSpec, template: Template, provider: Provider, actions: Action[], open: LaunchIntent[], resend: string[], journal: Journal, now: number): Promise<void> {
    const sends: Promise<void>[] = [];
    const send = (intent: LaunchIntent) => {
      this.lastIntentSend.set(intent.id, now);
      sends.push(
        this.launcher.send(intent, spec, template, provider, journal, now).then((out) => {
          for (const m of out.machines) this.record(m, journal);
          if (out.capacityExhausted) {
            this.exhausted.set(`${spec.provider}/${offeringKey(intent.zone, intent.size)}`, now + CAPACITY_BACKOFF_MS);
            journal.event('ZoneUnavailable', `${intent.size} in ${intent.zone} is out of capacity: skipped for ${CAPACITY_BACKOFF_MS / 60_000} min`, undefined, { zone: intent.zone, size: intent.size });
          }
        }),
      );
    };
    for (const intent of open) {
      if (now - (this.lastIntentSend.get(intent.id) ?? 0) >= INTENT_RETRY_MS) send(intent);
    }
    for (const action of actions) {
      if (action.kind === 'launch') {
        journal.event(action.reason === 'Replace' ? 'Replacing' : 'ScaledOut', `launching ${action.count} in ${action.zone} (${action.reason})`, undefined, { zone: action.zone, count: action.count });
        let left = action.count;
        while (left > 0) {
          const n = Math.min(left, provider.limits.launchPerCall);
          const replaces = action.replaces.splice(0, n);
          this.takeUnreplaced(spec.name, replaces);
          send(await this.launcher.newIntent(spec, template, action.zone, action.size, n, replaces, now));
          left -= n;
        }
      } else {
        await this.terminate(spec, provider, action.ids, action.reason, journal, now);
      }
    }
    if (resend.length > 0) await this.terminate(spec, provider, resend, 'Resend', journal, now);
    await Promise.all(sends);
  }

  /** Marks machines terminating (stored first, so a crash re-sends rather than forgets), then asks the cloud. */
  private async terminate(spec: PoolSpec, provider: Provider, ids: string[], reason: string, journal: Journal, now: number): Promise<void> {
    const machines = this.state.machines(spec.name);
    const marked: Machine[] = [];
    for (const id of ids) {
      const m = machines.get(id);
      if (!m) continue;
      if (m.state !== 'terminating') {
        const t = { ...m, state: 'terminating' as const, since: now };
        this.record(t, journal);
        journal.event('Terminating', `${id}: ${m.state} → terminating (${reason})`, id, { from: m.state, reason });
      }
      marked.push(m);
    }
    await this.deps.store.saveMachines(marked.map((m) => machines.get(m.id)!));
    try {
      const result = await provider.terminate(marked.map((m) => m.id));
      for (const id of result.notFound) this.record({ ...machines.get(id)!, state: 'gone', since: now }, journal);
      for (const f of result.failed) journal.event('TerminateFailed', `terminate of ${f.id} failed: ${f.error.message}`, f.id);
    } catch (e) {
      if (!isProviderError(e)) throw e;
      journal.event(e.retryable ? 'Throttled' : 'TerminateFailed', `terminate of ${ids.length} deferred: ${e.message}`);
    }
  }

  private record(m: Machine, journal: Journal): void {
    this.state.put(m);
    journal.save(m);
  }

  private unavailable(provider: string, now: number): Set<string> {
    const out = new Set<string>();
    const prefix = `${provider}/`;
    for (const [key, until] of this.exhausted) {
      if (until <= now) this.exhausted.delete(key);
      else if (key.startsWith(prefix)) out.add(key.slice(prefix.length));
    }
    return out;
  }

  private unreplacedOf(pool: string): string[] {
    let list = this.unreplaced.get(pool);
    if (!list) this.unreplaced.set(pool, (list = []));
    return list;
  }

  private takeUnreplaced(pool: string, ids: string[]): void {
    const list = this.unreplacedOf(pool);
    for (const id of ids) {
      const i = list.indexOf(id);
      if (i >= 0) list.splice(i, 1);
    }
  }

  machines(pool: string): Machine[] {
    return [...this.state.machines(pool).values()];
  }
}
