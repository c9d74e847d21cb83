import type { Plan } from '../domain/plan.js';
import type { Reachability } from '../domain/reachability.js';
import type { Machine, PoolSpec, Template } from '../domain/types.js';
import type { Provider, ProviderMachine } from '../providers/provider.js';
import { isFenced } from '../store/fence.js';
import { BlastGuard } from './blast-guard.js';
import { FleetState } from './fleet-state.js';
import { HealthControl, readSnapshot, type HealthSnapshot } from './health.js';
import { HookControl } from './hooks/control.js';
import { Journal } from './journal.js';
import { Launcher } from './launcher.js';
import { fencedWrites } from './lease-gate.js';
import { terminate } from './pool/actuate.js';
import { recordTransition, type OperationMove } from './pool/bulk.js';
import type { BulkPort, OperationHolds } from './pool/bulk-port.js';
import { listByProvider } from './pool/observe.js';
import { runPool } from './pool/pipeline.js';
import { tickReads, type TickReads } from './pool/reads.js';
import { Tenure } from './pool/tenure.js';
import type { PoolRuntime, PoolScope, PoolTick } from './pool/tick.js';
import { ProviderWatch } from './provider-watch.js';
import { UnavailableOfferings } from './unavailable-offerings.js';
import type { ControllerDeps, TickReport } from './controller-deps.js';

// Kept here so importers of the controller need not know the pool pipeline's layout.
export type { BulkPort, OperationHolds } from './pool/bulk-port.js';
export type { PoolTenures } from './pool/tenure.js';
export type { ControllerDeps, TickReport } from './controller-deps.js';

/**
 * The level-triggered loop: each tick, per pool, observe (provider list by ownership tag),
 * plan (pure), act (through the provider). It never assumes an action worked: the next tick
 * observes. Intents written before launches make a crash at any point safe. The phases live in
 * pool/ and share a `PoolTick`; this class holds what outlives a tick and runs them per pool.
 */
export class Controller implements BulkPort {
  private state!: FleetState;
  private readonly rt: PoolRuntime;
  /** Failed machines awaiting a replacement, per pool. */
  private readonly unreplaced = new Map<string, string[]>();
  private readonly watch: ProviderWatch;
  private readonly tenure: Tenure;
  private holds: OperationHolds | undefined;
  /**
   * Pools whose last reconcile failed part-way: memory may hold changes the store refused (a
   * full disk, a lost connection), so they are read back from the store before the next decision.
   */
  private readonly unsure = new Set<string>();

  constructor(private readonly deps: ControllerDeps) {
    if (deps.ownership) this.deps = { ...deps, store: fencedWrites(deps.store) };
    const { store, log } = this.deps;
    // Zone/size pairs out of capacity lately: the only such memory (providers keep none).
    const offerings = new UnavailableOfferings();
    const health = new HealthControl(store, offerings);
    this.rt = { store, log, launcher: new Launcher(store, deps.cluster), health, blast: new BlastGuard(store), offerings, intentSends: new Map(), powerSends: new Map(), interruptions: deps.interruptions, agentServer: deps.agentServer, hooks: new HookControl({ store, clock: deps.clock, log, webhook: deps.hookWebhook }) };
    this.watch = new ProviderWatch(store);
    this.tenure = new Tenure({
      ownership: deps.ownership,
      store,
      log,
      acquired: (pool, rows) => {
        this.state.replacePool(pool, rows);
        this.unreplaced.delete(pool);
        health.forget(pool);
        return this.state.machines(pool).size;
      },
      released: (pool) => {
        this.state.dropPool(pool);
        this.unreplaced.delete(pool);
      },
    });
  }

  /** Loads what the store knows; the first tick then adopts and resolves whatever the cloud holds. */
  async start(): Promise<void> {
    // With shared pools nothing is owned yet: each pool is loaded when its lease is acquired.
    this.state = this.deps.ownership ? new FleetState() : await FleetState.load(this.deps.store);
  }

  /** One pass over every pool this controller holds, at `now` (the clock's, unless a caller drives time). */
  async tick(now = this.deps.clock.now()): Promise<TickReport> {
    const { store, log } = this.deps;
    const pools = await this.tenure.owned(await store.listPools());
    const listed = await listByProvider({ ...this.deps, watch: this.watch, shared: this.deps.ownership !== undefined }, pools, now);
    const snap = await readSnapshot(store);
    const reads = await tickReads(store, pools);
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
          const p = await this.tenure.run(spec.name, () => this.reconcilePool(spec, seen.get(spec.name) ?? [], now, { snap, reads }));
          if (p) {
            plans.set(spec.name, p);
            actions += p.actions.length;
          }
        } catch (e) {
          // The tick's writes may not have landed: its machines are reloaded from the store, and its failures taken back.
          this.unsure.add(spec.name);
          this.rt.health.takeBack(spec.name);
          if (!isFenced(e)) return log.error({ err: e, pool: spec.name }, 'reconcile failed');
          log.warn({ pool: spec.name, token: e.fence.token }, 'fenced: the database refused a write under a lost lease; pool dropped');
          this.tenure.lost(e.fence);
        }
      }),
    );
    return { pools: pools.length, machines: this.state.count(), actions, plans };
  }

  private async reconcilePool(spec: PoolSpec, seen: readonly ProviderMachine[], now: number, shared: { snap: HealthSnapshot; reads: TickReads }): Promise<Plan | undefined> {
    const template = await shared.reads.template(spec.template, this.holds?.templateVersion(spec.name));
    if (!template) return undefined;
    const t = this.tickOf(spec, template, seen, now);
    const p = await runPool(t, { snap: shared.snap, intents: shared.reads.intents(spec.name), holds: this.holds });
    await this.flush(t.journal);
    this.rt.health.commit(spec.name);
    return p;
  }

  /** A pool's tick context over this controller's memories. */
  private tickOf(spec: PoolSpec, template: Template, seen: readonly ProviderMachine[], now: number): PoolTick {
    let unreplaced = this.unreplaced.get(spec.name);
    if (!unreplaced) this.unreplaced.set(spec.name, (unreplaced = []));
    return { ...this.scopeOf(spec, this.deps.providers.get(spec.provider)!, now), template, seen, unreplaced };
  }

  private scopeOf(spec: PoolSpec, provider: Provider, now: number): PoolScope {
    return { ...this.writerOf(spec.name, now), spec, provider, rt: this.rt };
  }

  /** A pool's machines at `now` with a journal: each change recorded in memory at once, in the store at the flush. */
  private writerOf(pool: string, now: number): Pick<PoolScope, 'now' | 'machines' | 'journal' | 'record'> {
    const journal = new Journal(pool, now);
    const record = (m: Machine) => {
      this.state.put(m);
      journal.save(m);
    };
    return { now, machines: this.state.machines(pool), journal, record };
  }

  private async flush(journal: Journal): Promise<void> {
    const events = await journal.flush(this.deps.store);
    if (events.length > 0) this.deps.onEvents?.(events);
  }

  /** True when this controller acts on `pool`: alone, or holding its lease with the pool's machines loaded under it. */
  owns(pool: string): boolean {
    return this.tenure.owns(pool);
  }

  /** Runs other work on a pool (bulk operations) as a tick would: under its lease, fenced, and waited for on handover. */
  underPool<T>(pool: string, work: () => Promise<T>): Promise<T | undefined> {
    return this.tenure.run(pool, work);
  }

  /** Resolves once no reconcile of `pool` is running (before its lease is handed back). */
  quiesce(pool: string): Promise<void> {
    return this.tenure.quiesce(pool);
  }

  /** Whether each provider answered this controller's calls lately. */
  reachability(): ReadonlyMap<string, Reachability> {
    return this.watch.status();
  }

  /** Lets bulk operations tell the controller which machines they hold (see OperationHolds). */
  attachOperations(holds: OperationHolds): void {
    this.holds = holds;
  }

  /** See BulkPort: transitions an operation caused, recorded by the controller, the only writer of machine rows. */
  async recordOperationTransition(pool: string, moved: OperationMove): Promise<void> {
    const w = this.writerOf(pool, this.deps.clock.now());
    recordTransition(w, moved);
    await this.flush(w.journal);
  }

  /** Terminates machines for an operation (a replace's old machines, a rolled-back canary) through the controller's own path. */
  async terminateForOperation(pool: string, ids: readonly string[], cause: string): Promise<void> {
    const spec = await this.deps.store.getPool(pool);
    const provider = spec && this.deps.providers.get(spec.provider);
    if (!spec || !provider) return;
    const s = this.scopeOf(spec, provider, this.deps.clock.now());
    await terminate(s, ids, cause);
    await this.flush(s.journal);
  }

  machines(pool: string): Machine[] {
    return [...this.state.machines(pool).values()];
  }
  /** Ends the hook webhooks in flight (shutdown, after the last tick): their runs are sent again by whoever ticks next. */
  close = (): void => this.rt.hooks?.close();
}
