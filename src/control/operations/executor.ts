import type { Logger } from 'pino';
import type { Clock } from '../../clock/clock.js';
import { decide } from '../../domain/operations/decide.js';
import type { Operation, OperationItem } from '../../domain/operations/types.js';
import type { Machine } from '../../domain/types.js';
import type { Provider, ProviderMachine } from '../../providers/provider.js';
import { tallyCalls } from '../../providers/rate-limited.js';
import type { Store } from '../../store/store.js';
import type { BulkPort, OperationHolds } from '../pool/bulk-port.js';
import { BudgetHolds } from '../disruption/budget-holds.js';
import { OPERATION_POLL_MS } from './constants.js';
import { assignReplacements } from './gating.js';
import { heldMachines, replacingOld, surgeCount } from './holds.js';
import { resumeEntry } from './resume.js';
import { startMachineAction, startReplace, type StartContext } from './starters.js';
import { finishOperation, pinsFor, type Pin } from './finish.js';
import { gateInProgress, poolView, retireOld, settleLost } from './step.js';

export interface ExecutorDeps {
  store: Store;
  /** The controller, seen only through the bulk-operations port. */
  controller: BulkPort;
  /** The same rate-limited providers the controller uses: one budget for both. */
  providers: ReadonlyMap<string, Provider>;
  clock: Clock;
  cluster: string;
  log: Logger;
  pollMs?: number | undefined;
  /** Wakes the controller loop: a replace's launches then leave at once instead of at the next tick. */
  wakeController?: (() => void) | undefined;
}

export interface Entry {
  op: Operation;
  items: OperationItem[];
  tally: { calls: number; throttled: number };
  /** A provider call of this operation still running: the next start waits for it. */
  busy: Promise<void> | null;
  /** Name of the pool's provider. */
  provider: string;
}

/**
 * Runs bulk operations inside the controller process. Each step (`runOnce`) reads the active
 * operations from the store (so the API, wherever it runs, creates and steers them through
 * rows), gates in-progress items on health, asks the pure `decide` what to start, and starts it
 * through the shared rate-limited providers. Machine rows are written only by the Controller.
 */
export class OperationExecutor implements OperationHolds {
  private readonly entries = new Map<string, Entry>();
  private pins = new Map<string, Pin>();
  private nap: AbortController | null = null;
  private readonly holds: BudgetHolds;

  constructor(private readonly deps: ExecutorDeps) {
    this.holds = new BudgetHolds(deps.store);
  }

  /** Loads active operations and checks their in-progress items against the cloud, then attaches to the controller. */
  async start(): Promise<void> {
    this.pins = await pinsFor(this.deps.store);
    for (const op of await this.deps.store.listOperations({ active: true })) {
      if (this.deps.controller.owns(op.pool)) await this.deps.controller.underPool(op.pool, () => this.load(op));
    }
    this.deps.controller.attachOperations(this);
  }

  held(pool: string): ReadonlySet<string> {
    return heldMachines(this.entries.values(), pool, this.machineMap(pool));
  }

  surge(pool: string): number {
    return surgeCount(this.entries.values(), pool, this.machineMap(pool));
  }

  replacing(pool: string): ReadonlySet<string> {
    return replacingOld(this.entries.values(), pool);
  }

  templateVersion(pool: string): number | undefined {
    return this.pins.get(pool)?.from;
  }

  wake(): void {
    this.nap?.abort();
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.runOnce();
      } catch (e) {
        this.deps.log.error({ err: e }, 'operation step failed');
      }
      this.nap = new AbortController();
      const stop = () => this.nap?.abort();
      signal.addEventListener('abort', stop, { once: true });
      await this.deps.clock.sleep(this.deps.pollMs ?? OPERATION_POLL_MS, this.nap.signal).catch(() => undefined);
      signal.removeEventListener('abort', stop);
    }
    await Promise.all([...this.entries.values()].map((e) => e.busy));
  }

  /** One step over every active operation. */
  async runOnce(): Promise<void> {
    const active = await this.deps.store.listOperations({ active: true });
    const ids = new Set(active.map((o) => o.id));
    for (const id of this.entries.keys()) if (!ids.has(id)) this.entries.delete(id);
    for (const row of active) {
      // With shared pools, an operation runs in the controller that owns its pool, under that
      // pool's lease; one taken over is loaded afresh (and resumed) by the new owner.
      if (!this.deps.controller.owns(row.pool)) {
        this.entries.delete(row.id);
        continue;
      }
      await this.deps.controller.underPool(row.pool, async () => {
        const entry = this.entries.get(row.id) ?? (await this.load(row));
        entry.op.control = row.control;
        await this.advance(entry);
      });
    }
    this.pins = await pinsFor(this.deps.store);
  }

  /** In-memory view of one operation, for the API's progress display. */
  snapshot(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  private async load(op: Operation): Promise<Entry> {
    const provider = (await this.deps.store.getPool(op.pool))?.provider ?? '';
    const entry: Entry = { op, items: await this.deps.store.listOperationItems(op.id), tally: { ...op.progress.api }, busy: null, provider };
    this.entries.set(op.id, entry);
    await resumeEntry(entry, this.context(entry), this.machineMap(op.pool));
    return entry;
  }

  private async advance(entry: Entry): Promise<void> {
    const { store, clock } = this.deps;
    const op = entry.op;
    const now = clock.now();
    if (op.control === 'cancel') return this.holds.forget(op).then(() => finishOperation(entry, this.context(entry), { status: 'cancelled', message: 'cancelled on request', now }));
    if (op.control === 'pause' && op.status === 'running') Object.assign(op, { status: 'paused', message: 'paused on request' });
    if (op.control === 'run' && op.status === 'paused') Object.assign(op, { status: 'running', message: 'resumed' });

    const machines = this.machineMap(op.pool);
    const changed = op.kind === 'replace' ? [...assignReplacements(entry.items, machines), ...settleLost(entry.items, machines, now)] : [];
    const intents = new Map((await store.listIntents({ pool: op.pool })).map((i) => [i.id, i]));
    changed.push(...(await gateInProgress(entry, { machines, intents, now, list: () => this.list(entry, op.pool) })));
    await store.saveOperationItems([...new Set(changed)]);

    const budget = await this.holds.allowanceFor(op, now);
    const d = decide(op, entry.items, { ...poolView(entry, machines), budget: budget?.allowed }, now);
    const wasCanary = op.progress.phase !== 'main';
    op.progress = { ...d.progress, api: { ...entry.tally } };
    if (op.kind === 'replace' && wasCanary && op.progress.phase === 'main') await retireOld(this.deps.controller, entry, machines, 'canary baked');
    const held = op.origin && (await this.holds.show(op, d.held ? budget : undefined, now));
    if (held) op.message = held;
    if (d.status && d.status !== 'paused') {
      await this.holds.forget(op);
      // The last replacements became ready in this very step: their old machines go before the
      // operation ends, or a replace would "succeed" with old machines still serving (a rollback keeps them).
      if (op.kind === 'replace' && !d.abort) await retireOld(this.deps.controller, entry, machines, 'replacement ready');
      return finishOperation(entry, this.context(entry), { status: d.status, message: d.message ?? '', now, abort: d.abort });
    }
    if (d.status === 'paused') {
      await store.setOperationControl(op.id, 'pause', now);
      Object.assign(op, { status: 'paused', control: 'pause', message: d.message });
    }
    if (op.kind === 'replace') await retireOld(this.deps.controller, entry, machines, 'replacement ready');
    if (d.start.length > 0 && !entry.busy) {
      const wanted = new Set(d.start);
      const items = entry.items.filter((i) => wanted.has(i.machine));
      const ctx = this.context(entry);
      const work = op.kind === 'replace' ? startReplace(ctx, op, items, machines) : startMachineAction(ctx, op, items);
      entry.busy = work
        .catch((e: unknown) => this.deps.log.error({ err: e, operation: op.id }, 'starting items failed'))
        .finally(() => (entry.busy = null));
      // A fast provider answers within the step; a paced one is waited for in the next steps.
      await Promise.race([entry.busy, Promise.resolve()]);
    }
    op.updatedAt = now;
    await store.updateOperation(op);
  }

  private machineMap(pool: string): Map<string, Machine> {
    return new Map(this.deps.controller.machines(pool).map((m) => [m.id, m]));
  }

  private async list(entry: Entry, pool: string): Promise<Map<string, ProviderMachine>> {
    const ctx = this.context(entry);
    const seen = await tallyCalls(entry.tally, () => ctx.provider.list({ cluster: this.deps.cluster, pools: [pool] }));
    return new Map(seen.map((pm) => [pm.id, pm]));
  }

  context(entry: Entry): StartContext & { cluster: string } {
    const { store, controller, cluster, wakeController, clock } = this.deps;
    return { store, controller, cluster, wakeController, provider: this.deps.providers.get(entry.provider)!, now: () => clock.now(), tally: entry.tally };
  }
}
