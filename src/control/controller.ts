import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { plan, type Action, type Plan } from '../domain/plan.js';
import { reconcileMachine } from '../domain/reconcile.js';
import { resolveIntent } from '../domain/intents.js';
import { canTransition, type MachineState } from '../domain/lifecycle.js';
import { TAG, type EventReason, type FleetEvent, type LaunchIntent, type Machine, type PoolSpec, type Template } from '../domain/types.js';
import { isProviderError, type AgentBootstrap, type Provider, type ProviderMachine } from '../providers/provider.js';
import { launchJoinToken, newJoinKey } from '../store/agent-secrets.js';
import { isFenced, poolLease, type Fence } from '../store/fence.js';
import type { Store } from '../store/store.js';
import { INTENT_RETRY_MS, POWER_RESEND_MS, TERMINATE_RESEND_MS } from './constants.js';
import { FleetState } from './fleet-state.js';
import { Journal } from './journal.js';
import { type InterruptionInbox, planInterruptions } from './interruptions.js';
import { Launcher, toMachine } from './launcher.js';
import { applyDrainActions, noteDrainEnd } from './drain.js';
import { HealthControl, readSnapshot, type HealthSnapshot } from './health.js';
import { fencedWrites, underLease } from './lease-gate.js';
import { UnavailableOfferings } from './unavailable-offerings.js';

/** A launch's agent settings, by launch intent (each intent has its own join token). */
type AgentsOf = (intent: string) => AgentBootstrap;
import { ProviderWatch } from './provider-watch.js';
import { BlastGuard } from './blast-guard.js';
import type { Reachability } from '../domain/reachability.js';

export interface ControllerDeps {
  store: Store;
  /** Providers by the name pools refer to them with. */
  providers: ReadonlyMap<string, Provider>;
  clock: Clock;
  cluster: string;
  log: Logger;
  /** Told about every event the controller writes (live streams, metrics). */
  onEvents?: (events: FleetEvent[]) => void;
  /** The API address agents join; launches of agent pools wait until it is known. */
  agentServer?: () => string | undefined;
  /**
   * With several controllers (PostgreSQL): which pools this one holds the lease of. The tick
   * then reconciles only those, and every write and provider call under a pool carries its
   * fence. Without it the controller is alone and acts on every pool.
   */
  ownership?: PoolTenures;
  /** Notices that the cloud is about to take machines back (Spot): replaced first, then ended. */
  interruptions?: InterruptionInbox;
}

/** The part of `Ownership` the controller needs. */
export interface PoolTenures {
  fence(lease: string): Fence | undefined;
  /** A write under the lease was refused. */
  lost(lease: string): void;
}

/** What bulk operations hold in each pool, asked every tick; synchronous so a tick never waits on it. */
export interface OperationHolds {
  /** Machines an operation works on: never scaled in, never replaced by the controller while held. */
  held(pool: string): ReadonlySet<string>;
  /** Extra machines a replace runs above desired until their old ones are gone. */
  surge(pool: string): number;
  /** A template version the pool is pinned to (after a rolled-back replace), or undefined for the latest. */
  templateVersion(pool: string): number | undefined;
}

/** Reads a tick shares between its pools (see `tickReads`). */
interface TickReads {
  intents(pool: string): LaunchIntent[];
  template(name: string, version: number | undefined): Promise<Template | undefined>;
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
  /** Zone/size pairs out of capacity lately: the only such memory (providers keep none). */
  private readonly offerings = new UnavailableOfferings();
  /** Open intent → its last send, and whether the cloud refused it outright (throttled: nothing made). */
  private readonly lastIntentSend = new Map<string, { at: number; refused: boolean }>();
  /** Machine → when a stop or start was last sent, so a slow cloud is not asked again every tick. */
  private readonly lastPowerSend = new Map<string, { kind: 'stop' | 'start'; at: number }>();
  private health!: HealthControl;
  private readonly watch: ProviderWatch;
  private readonly blast: BlastGuard;
  private holds: OperationHolds | undefined;
  /** Pool → fencing token its machines were loaded under; a new token means reload. */
  private readonly tenures = new Map<string, number>();
  /**
   * Pools whose last reconcile failed part-way: memory may hold changes the store refused (a
   * full disk, a lost connection), so they are read back from the store before the next decision.
   */
  private readonly unsure = new Set<string>();
  /** Pool → its reconcile in progress, so a lease is handed back only between ticks. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ControllerDeps) {
    if (deps.ownership) this.deps = { ...deps, store: fencedWrites(deps.store) };
    this.launcher = new Launcher(this.deps.store, deps.cluster);
    this.health = new HealthControl(this.deps.store);
    this.watch = new ProviderWatch(this.deps.store);
    this.blast = new BlastGuard(this.deps.store);
  }

  /** Loads what the store knows; the first tick then adopts and resolves whatever the cloud holds. */
  async start(): Promise<void> {
    // With shared pools nothing is owned yet: each pool is loaded when its lease is acquired.
    this.state = this.deps.ownership ? new FleetState() : await FleetState.load(this.deps.store);
  }

  async tick(): Promise<TickReport> {
    const { store, log } = this.deps;
    const now = this.deps.clock.now();
    const pools = await this.ownedPools(await store.listPools());
    const listed = await this.listAll(pools, now);
    const snap = await readSnapshot(store);
    const reads = await this.tickReads(pools);
    const plans = new Map<string, Plan>();
    let actions = 0;
    await Promise.all(
      pools.map(async (spec) => {
        const seen = listed.get(spec.provider);
        if (!seen) return; // the provider could not be read: decide nothing on stale data
        try {
          if (this.unsure.has(spec.name)) {
            this.state.replacePool(spec.name, await store.listMachines({ pool: spec.name }));
            this.unsure.delete(spec.name);
          }
          const p = await this.underTenure(spec.name, () => this.reconcilePool(spec, seen.get(spec.name) ?? [], now, snap, reads));
          if (p) {
            plans.set(spec.name, p);
            actions += p.actions.length;
          }
        } catch (e) {
          this.unsure.add(spec.name);
          if (!isFenced(e)) return log.error({ err: e, pool: spec.name }, 'reconcile failed');
          log.warn({ pool: spec.name, token: e.fence.token }, 'fenced: the database refused a write under a lost lease; pool dropped');
          this.deps.ownership?.lost(e.fence.lease);
        }
      }),
    );
    return { pools: pools.length, machines: this.state.count(), actions, plans };
  }

  /**
   * The pools this controller holds the lease of (all, when alone). A pool just acquired, or
   * re-acquired under a new token, is reloaded from the store: its last owner wrote there.
   */
  private async ownedPools(pools: PoolSpec[]): Promise<PoolSpec[]> {
    const own = this.deps.ownership;
    if (!own) return pools;
    const mine: PoolSpec[] = [];
    for (const spec of pools) {
      const fence = own.fence(poolLease(spec.name));
      if (!fence) continue;
      if (this.tenures.get(spec.name) !== fence.token) {
        this.state.replacePool(spec.name, await this.deps.store.listMachines({ pool: spec.name }));
        this.unreplaced.delete(spec.name);
        this.health.forget(spec.name);
        this.tenures.set(spec.name, fence.token);
        this.deps.log.info({ pool: spec.name, token: fence.token, machines: this.state.machines(spec.name).size }, 'pool acquired: machines loaded');
      }
      mine.push(spec);
    }
    for (const pool of [...this.tenures.keys()]) {
      if (mine.some((p) => p.name === pool)) continue;
      this.tenures.delete(pool);
      this.state.dropPool(pool);
      this.unreplaced.delete(pool);
    }
    return mine;
  }

  /** Runs a pool's work under its lease (writes and provider calls fenced), and remembers it for `quiesce`. */
  private underTenure<T>(pool: string, work: () => Promise<T>): Promise<T | undefined> {
    const fence = this.deps.ownership?.fence(poolLease(pool));
    if (this.deps.ownership && !fence) return Promise.resolve(undefined); // lost since the tick began
    const run = fence ? underLease(fence, (f) => this.deps.store.holdsLease(f), work) : work();
    this.inFlight.set(pool, run);
    return run.finally(() => this.inFlight.get(pool) === run && this.inFlight.delete(pool));
  }

  /** True when this controller acts on `pool`: alone, or holding its lease with the pool's machines loaded under it. */
  owns(pool: string): boolean {
    if (!this.deps.ownership) return true;
    const fence = this.deps.ownership.fence(poolLease(pool));
    return fence !== undefined && this.tenures.get(pool) === fence.token;
  }

  /** Runs other work on a pool (bulk operations) as a tick would: under its lease, fenced, and waited for on handover. */
  underPool<T>(pool: string, work: () => Promise<T>): Promise<T | undefined> {
    return this.underTenure(pool, work);
  }

  /** Resolves once no reconcile of `pool` is running (before its lease is handed back). */
  async quiesce(pool: string): Promise<void> {
    await this.inFlight.get(pool)?.catch(() => undefined);
  }

  /** Whether each provider answered this controller's calls lately. */
  reachability(): ReadonlyMap<string, Reachability> {
    return this.watch.status();
  }

  /** One list call per provider per tick, shared by its pools. */
  private async listAll(pools: PoolSpec[], now: number): Promise<Map<string, Map<string, ProviderMachine[]>>> {
    const out = new Map<string, Map<string, ProviderMachine[]>>();
    const names = new Set(pools.map((p) => p.provider));
    await Promise.all(
      [...names].map(async (name) => {
        const provider = this.deps.providers.get(name);
        if (!provider) return this.deps.log.error({ provider: name }, 'pool names an unknown provider');
        const own = pools.filter((p) => p.provider === name).map((p) => p.name);
        const note = async (outcome: { ok: true } | { ok: false; error: string }) => {
          const events = await this.watch.note(name, own, outcome, now);
          if (events.length > 0) this.deps.onEvents?.(events);
        };
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
          await note({ ok: false, error: e instanceof Error ? e.message : String(e) }).catch((err: unknown) => this.deps.log.error({ err, provider: name }, 'could not record the provider as unavailable'));
          return;
        }
        await note({ ok: true }).catch((err: unknown) => this.deps.log.error({ err, provider: name }, 'could not record the provider as answering'));
      }),
    );
    return out;
  }

  /**
   * What every pool's reconcile reads, read once per tick rather than once per pool: the open
   * intents of all pools in one query, and each template (pools share a few) once.
   */
  private async tickReads(pools: PoolSpec[]): Promise<TickReads> {
    const { store } = this.deps;
    const intents = new Map<string, LaunchIntent[]>();
    if (pools.length > 0) {
      for (const i of await store.listIntents({ status: 'open' })) {
        let list = intents.get(i.pool);
        if (!list) intents.set(i.pool, (list = []));
        list.push(i);
      }
    }
    const templates = new Map<string, Promise<Template | undefined>>();
    return {
      intents: (pool) => intents.get(pool) ?? [],
      template: (name, version) => {
        const key = `${name}@${version ?? 'latest'}`;
        let t = templates.get(key);
        if (!t) templates.set(key, (t = store.getTemplate(name, version)));
        return t;
      },
    };
  }

  private async reconcilePool(spec: PoolSpec, seen: ProviderMachine[], now: number, snap: HealthSnapshot, reads: TickReads): Promise<Plan | undefined> {
    const { store } = this.deps;
    const provider = this.deps.providers.get(spec.provider)!;
    const template = await reads.template(spec.template, this.holds?.templateVersion(spec.name));
    if (!template) return undefined;
    const journal = new Journal(spec.name, now);
    const machines = this.state.machines(spec.name);
    const byId = new Map<string, ProviderMachine>();
    for (const pm of seen) byId.set(pm.id, pm);
    const unreplaced = this.unreplacedOf(spec.name);
    const h = this.health.forPool(spec, provider, snap, now);

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
      // Changed after this tick's list began (an operation recorded its reboot, stop or start
      // meanwhile): the list predates that change and must not undo it. The next tick sees.
      if (m.since > now) continue;
      const pm = byId.get(m.id);
      const change = reconcileMachine(m, pm, now, provider.limits.listGraceMs, h.agent ? { joined: h.joined(m, now) } : undefined);
      if (change) {
        if (change.unexpected || change.to === 'unhealthy') this.health.noteFailure(spec, m, now);
        this.record({ ...m, state: change.to, since: now, readyAt: change.to === 'ready' ? now : m.readyAt }, journal);
        journal.event(change.reason, `${m.id}: ${m.state} → ${change.to} (${change.cause})`, m.id, { from: m.state, to: change.to });
        if (change.unexpected) unreplaced.push(m.id);
      } else if (m.state === 'terminating' && pm && pm.status !== 'terminating' && now - m.since > TERMINATE_RESEND_MS) {
        resend.push(m.id);
      }
    }

    // A noticed machine is replaced first (counted as surge above desired), then ended once the replacement is ready.
    const inbox = this.deps.interruptions;
    const doomed = inbox?.size() ? planInterruptions([...machines.values()], (id) => inbox.get(id), Math.min(spec.max, Math.max(spec.min, spec.desired)), now) : undefined;
    for (const id of doomed?.replace ?? []) {
      const n = inbox!.get(id)!;
      if (!inbox!.announce(id)) continue;
      journal.event(n.reason, `${id} is taken back at ${new Date(n.at).toISOString()}: launching its replacement first`, id, { at: n.at });
      unreplaced.push(id);
    }

    // Launch intents still open (throttled, a lost reply, or a crash before the record) are resolved from what the cloud shows of them.
    const intents = reads.intents(spec.name);
    const { pending: pendingLaunches, send: intentsToSend } = intents.length > 0 ? await this.resolveIntents(spec, template, provider, intents, seen, machines, journal, now) : { pending: new Map<string, number>(), send: [] };

    // Machines an operation works on are protected from scale-in, and a replace's extra machines (surge) are room above desired.
    const held = this.holds?.held(spec.name);
    const surge = (this.holds?.surge(spec.name) ?? 0) + (doomed?.replace.length ?? 0);
    const sized = surge > 0 ? { ...spec, desired: spec.desired + surge, max: spec.max + surge } : spec;
    const target = Math.min(sized.max, Math.max(sized.min, sized.desired));
    const healthy = await this.health.step(spec, h, machines, seen, target, journal, now, (m) => this.record(m, journal));
    for (const key of healthy.backoff) {
      this.offerings.markOffering(spec.provider, key, now);
      journal.event('OfferingBackoff', `replacements in ${key} keep failing: skipped for ${this.offerings.ttlMinutes} min`, undefined, { offering: key });
    }
    // Read after the health step, which may have changed machines.
    const view = held?.size ? [...machines.values()].map((m) => (held.has(m.id) ? { ...m, protected: true } : m)) : [...machines.values()];
    const p = plan(sized, { machines: view, pendingLaunches, unreplaced, unavailable: this.offerings.of(spec.provider, now), sizes: template.sizes, held, ...healthy.inputs }, now);
    for (const note of p.notes) this.deps.log.debug({ pool: spec.name }, note);

    const agent = h.agent ? await this.bootstrap(spec, now) : undefined;
    if (h.agent && !agent) p.actions = p.actions.filter((a) => a.kind !== 'launch');
    p.actions = await this.blast.guard(spec, p.actions, machines, journal, now);
    await this.act(spec, template, provider, p.actions, intentsToSend, resend, journal, now, agent, healthy.inputs.busy);
    if (doomed?.terminate.length) {
      await this.terminate(spec, provider, doomed.terminate, 'Interrupted', journal, now);
      for (const id of doomed.terminate) inbox!.forget(id);
    }
    // A pool an apply removed goes once nothing of it is left, in flotte's records or in the cloud.
    if (spec.removedAt !== undefined && machines.size === 0 && intents.length === 0 && seen.every((pm) => pm.status === 'terminated') && (await store.deleteRemovedPool(spec.name))) {
      journal.event('PoolRemoved', `${spec.name} is no longer in the config and has no machine left: deleted`);
    }
    const events = await journal.flush(store);
    if (events.length > 0) this.deps.onEvents?.(events);
    return p;
  }

  /**
   * Decides each open intent from the machines the cloud lists with its tag (in any state) or
   * that were recorded for it: closed when all are there, left waiting while the list may still
   * lag its last send, and otherwise only its missing machines launched (see resolveIntent).
   * Returns the launches in flight per zone, for the plan, and the intents to send this tick.
   */
  private async resolveIntents(spec: PoolSpec, template: Template, provider: Provider, intents: LaunchIntent[], seen: readonly ProviderMachine[], machines: ReadonlyMap<string, Machine>, journal: Journal, now: number): Promise<{ pending: Map<string, number>; send: LaunchIntent[] }> {
    const made = new Map<string, Set<string>>(intents.map((i) => [i.id, new Set<string>()]));
    for (const pm of seen) made.get(pm.tags[TAG.intent] ?? '')?.add(pm.id);
    for (const m of machines.values()) if (m.intent) made.get(m.intent)?.add(m.id);
    const pending = new Map<string, number>();
    const send: LaunchIntent[] = [];
    // After a throttle nothing was made: the usual pause. After anything else (a lost reply, a
    // crash) the cloud may have made machines it does not list yet: wait out its list grace.
    const settled = Math.max(INTENT_RETRY_MS, provider.limits.listGraceMs);
    for (const i of intents) {
      let last = this.lastIntentSend.get(i.id);
      // Open, but not sent by this controller: its stored send time says how long ago it last went
      // out (0: never, as an operation's intents start); unknown on old rows, taken as just now.
      if (!last) this.lastIntentSend.set(i.id, (last = { at: i.sentAt ?? now, refused: false }));
      const v = resolveIntent(i.count, made.get(i.id)!.size, last.at, now, last.refused ? INTENT_RETRY_MS : settled);
      if (v.kind === 'closed') {
        await this.deps.store.setIntentStatus(i.id, 'done');
        this.lastIntentSend.delete(i.id);
        journal.event('IntentResolved', `${i.id}: all ${i.count} machines found in the cloud; nothing re-sent`, undefined, { intent: i.id, made: v.made });
        continue;
      }
      pending.set(i.zone, (pending.get(i.zone) ?? 0) + v.missing);
      if (v.kind === 'resend') send.push(i);
      if (v.kind !== 'follow-up') continue;
      // Closed before its follow-up exists: a crash in between leaves the missing machines to the plan, never launched twice.
      await this.deps.store.setIntentStatus(i.id, 'done');
      this.lastIntentSend.delete(i.id);
      const next = await this.launcher.followUp(i, spec, template, v.missing, now);
      journal.event('IntentResolved', `${i.id}: ${v.made} of ${i.count} machines found in the cloud; the missing ${v.missing} launched as ${next.id}`, undefined, { intent: i.id, made: v.made, followUp: next.id });
      send.push(next);
    }
    return { pending, send };
  }

  private async act(spec: PoolSpec, template: Template, provider: Provider, actions: Action[], open: LaunchIntent[], resend: string[], journal: Journal, now: number, agent?: AgentsOf, busy?: ReadonlyMap<string, number>): Promise<void> {
    const busyOf = (id: string) => busy?.get(id) ?? 0;
    const sends: Promise<void>[] = [];
    const send = (intent: LaunchIntent) => {
      this.lastIntentSend.set(intent.id, { at: now, refused: false });
      sends.push(
        this.launcher.send(intent, spec, template, provider, journal, now, agent?.(intent.id), this.offerings.sizesIn(spec.provider, intent.zone, now)).then((out) => {
          for (const m of out.machines) this.record(m, journal);
          // Sizes another size stood in for: skipped by the plan until the memory runs out.
          for (const size of out.exhausted) this.offerings.mark(spec.provider, intent.zone, size, now);
          if (out.open) this.lastIntentSend.set(intent.id, { at: now, refused: out.refused });
          else this.lastIntentSend.delete(intent.id);
          if (out.capacityExhausted) {
            this.offerings.mark(spec.provider, intent.zone, intent.size, now);
            journal.event('ZoneUnavailable', `${intent.size} in ${intent.zone} is out of capacity: skipped for ${this.offerings.ttlMinutes} min`, undefined, { zone: intent.zone, size: intent.size });
          }
        }),
      );
      // Still awaited below; this only keeps a send that fails while a later step throws (a fenced
      // intent write) from becoming an unhandled rejection that would end the process.
      sends.at(-1)!.catch(() => undefined);
    };
    for (const intent of open) send(intent);
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
      } else if (action.kind === 'drain' || action.kind === 'reclaim') {
        applyDrainActions(action, this.state.machines(spec.name), busyOf, (m) => this.record(m, journal), journal, now);
      } else if (action.kind === 'stop' || action.kind === 'start') {
        await this.power(provider, action.kind, action.ids, action.reason, journal, now);
      } else {
        noteDrainEnd(action, journal, busyOf);
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

  /**
   * Stops or starts machines of a suspended or resumed pool; the next ticks observe the result.
   * A stopped machine's heartbeat is forgotten, so after a start it is ready only once its
   * agent has joined again.
   */
  private async power(provider: Provider, kind: 'stop' | 'start', ids: string[], reason: string, journal: Journal, now: number): Promise<void> {
    for (const [id, last] of this.lastPowerSend) if (now - last.at >= POWER_RESEND_MS) this.lastPowerSend.delete(id);
    const due = ids.filter((id) => {
      const last = this.lastPowerSend.get(id);
      return !last || last.kind !== kind;
    });
    if (due.length === 0) return;
    if (!provider.capabilities.stopStart) {
      journal.event('StopStartUnsupported', `${provider.name} cannot ${kind} machines: ${due.length} left as they are (${reason})`);
      for (const id of due) this.lastPowerSend.set(id, { kind, at: now });
      return;
    }
    for (const id of due) this.lastPowerSend.set(id, { kind, at: now });
    journal.event(kind === 'stop' ? 'Stopping' : 'Starting', `${kind === 'stop' ? 'stopping' : 'starting'} ${due.length} machines (${reason}): ${due.join(' ')}`, undefined, { ids: due, reason });
    try {
      const result = await provider[kind](due);
      if (kind === 'stop') await this.deps.store.deleteHeartbeats(result.done);
      for (const f of result.failed) journal.event(kind === 'stop' ? 'StopFailed' : 'StartFailed', `${kind} of ${f.id} failed: ${f.error.message}`, f.id);
    } catch (e) {
      if (!isProviderError(e)) throw e;
      for (const id of due) this.lastPowerSend.delete(id);
      journal.event(e.retryable ? 'Throttled' : kind === 'stop' ? 'StopFailed' : 'StartFailed', `${kind} of ${due.length} deferred: ${e.message}`);
    }
  }

  /**
   * What a launched machine's agent needs to join, per launch intent; undefined until the API
   * listens. The token is derived from the intent, so a re-send carries the same user-data.
   */
  private async bootstrap(spec: PoolSpec, now: number): Promise<AgentsOf | undefined> {
    const server = this.deps.agentServer?.();
    if (!server) return undefined;
    const key = await this.deps.store.agentJoinKey(newJoinKey(), now);
    return (intent) => ({ server, pool: spec.name, joinToken: launchJoinToken(key, spec.name, intent) });
  }

  private record(m: Machine, journal: Journal): void {
    this.state.put(m);
    journal.save(m);
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

  /** Lets bulk operations tell the controller which machines they hold (see OperationHolds). */
  attachOperations(holds: OperationHolds): void {
    this.holds = holds;
  }

  /**
   * Records lifecycle transitions an operation caused (e.g. ready → rebooting after its reboot
   * call was accepted), with the operation as cause: the controller stays the only writer of
   * machine rows. Machines not in a state that may move to `to` are left as they are.
   */
  async recordOperationTransition(pool: string, ids: readonly string[], to: MachineState, reason: EventReason, cause: string): Promise<void> {
    const now = this.deps.clock.now();
    const journal = new Journal(pool, now);
    const machines = this.state.machines(pool);
    for (const id of ids) {
      const m = machines.get(id);
      if (!m || m.state === to || !canTransition(m.state, to)) continue;
      this.record({ ...m, state: to, since: now }, journal);
      journal.event(reason, `${id}: ${m.state} → ${to} (${cause})`, id, { from: m.state, to, cause });
    }
    const events = await journal.flush(this.deps.store);
    if (events.length > 0) this.deps.onEvents?.(events);
  }

  /** Terminates machines for an operation (a replace's old machines, a rolled-back canary) through the controller's own path. */
  async terminateForOperation(pool: string, ids: readonly string[], cause: string): Promise<void> {
    const spec = await this.deps.store.getPool(pool);
    const provider = spec && this.deps.providers.get(spec.provider);
    if (!spec || !provider) return;
    const journal = new Journal(pool, this.deps.clock.now());
    await this.terminate(spec, provider, [...ids], cause, journal, this.deps.clock.now());
    const events = await journal.flush(this.deps.store);
    if (events.length > 0) this.deps.onEvents?.(events);
  }

  machines(pool: string): Machine[] {
    return [...this.state.machines(pool).values()];
  }
}
