import type { Logger } from 'pino';
import type { Clock } from '../../clock/clock.js';
import { candidates, type Candidate } from '../../domain/disruption/candidates.js';
import { DEFAULT_DISRUPTION, type DisruptionPolicy } from '../../domain/disruption/policy.js';
import type { PoolSpec, Template } from '../../domain/types.js';
import type { Store } from '../../store/store.js';
import { ROLLOUT_POLL_MS } from '../operations/constants.js';
import { createOperation, OperationRejected } from '../operations/create.js';
import { pinsFor } from '../operations/finish.js';
import type { BulkPort } from '../pool/bulk-port.js';

export interface RolloutDeps {
  store: Store;
  controller: BulkPort;
  clock: Clock;
  log: Logger;
  /** Wakes the operation executor, so a new roll-out's first wave goes out at once. */
  wake?: (() => void) | undefined;
}

/**
 * Starts roll-outs: replace operations, made by flotte itself, of a pool's drifted machines (its
 * template or settings changed) or of those past `maxLifetime`. One at a time per pool, and none
 * while any operation runs on it, so a person's operation is never raced; machines that already
 * match are not in it. The operation then runs like any other (launch first, canary, min
 * healthy, rollback), visible in `flotte ops`, under the pool's disruption budget.
 */
export class Rollouts {
  /** Template versions are immutable: `name@version` → the template, read once. */
  private readonly templates = new Map<string, Template>();

  constructor(private readonly deps: RolloutDeps) {}

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.runOnce();
      } catch (e) {
        this.deps.log.error({ err: e }, 'roll-out step failed');
      }
      await this.deps.clock.sleep(ROLLOUT_POLL_MS, signal).catch(() => undefined);
    }
  }

  async runOnce(): Promise<void> {
    const { store, controller } = this.deps;
    const busy = new Set((await store.listOperations({ active: true })).map((o) => o.pool));
    for (const pool of await store.listPools()) {
      // Environments hold a developer's work, and a suspended or removed pool has nothing to roll.
      if (busy.has(pool.name) || pool.keepStopped || pool.suspended || pool.removedAt !== undefined || !controller.owns(pool.name)) continue;
      const policy = pool.disruption ?? DEFAULT_DISRUPTION;
      if (policy.rollout.mode === 'manual') continue;
      await controller.underPool(pool.name, () => this.consider(pool, policy));
    }
  }

  private async consider(pool: PoolSpec, policy: DisruptionPolicy): Promise<void> {
    const { store, controller, clock } = this.deps;
    const current = await store.getTemplate(pool.template);
    if (!current) return;
    const machines = controller.machines(pool.name);
    for (const v of new Set(machines.map((m) => m.templateVersion))) await this.template(pool.template, v);
    const due = candidates(machines, { current, made: (v) => this.templates.get(`${pool.template}@${v}`) }, pool, policy, clock.now());
    if (due.length === 0 || (await this.stoppedBy(pool.name, due[0]!.reason, current.version))) return;
    const r = policy.rollout;
    const strategy = { kind: 'rolling' as const, maxUnavailable: r.maxUnavailable, minHealthy: r.minHealthy, canary: r.canary, failureThreshold: r.failureThreshold };
    const now = clock.now();
    const made = await createOperation(store, { kind: 'replace', pool: pool.name, machines: due.map((c) => c.id), strategy, origin: due[0]!.reason }, now).catch((e: unknown) => {
      if (e instanceof OperationRejected) return undefined;
      throw e;
    });
    if (!made) return;
    await store.appendEvents([{ at: now, pool: pool.name, reason: 'RolloutStarted', message: startedMessage(made.op.id, due), data: { operation: made.op.id, reason: due[0]!.reason, machines: due.length } }]);
    this.deps.wake?.();
  }

  /**
   * A roll-out to this version that people stopped is not started again on its own: a rolled-back
   * replace pins the pool to the old version, and a cancelled roll-out was someone's decision.
   * Both last until the template changes again (an apply) or a person starts a replace.
   */
  private async stoppedBy(pool: string, reason: Candidate['reason'], version: number): Promise<boolean> {
    if ((await pinsFor(this.deps.store)).has(pool)) return true;
    const last = (await this.deps.store.listOperations({ pool, limit: 20 })).find((o) => o.kind === 'replace');
    return last?.origin === reason && last.status === 'cancelled' && last.progress.toVersion === version;
  }

  private async template(name: string, version: number): Promise<void> {
    const key = `${name}@${version}`;
    if (this.templates.has(key)) return;
    const t = await this.deps.store.getTemplate(name, version);
    if (t) this.templates.set(key, t);
  }
}

function startedMessage(op: string, due: readonly Candidate[]): string {
  const first = due[0]!;
  return `${first.reason} roll-out ${op} replaces ${due.length} machine${due.length === 1 ? '' : 's'} (e.g. ${first.id}: ${first.detail})`;
}
