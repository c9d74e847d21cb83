import type { Logger } from 'pino';
import { realClock, type Clock } from '../clock/clock.js';
import { assign } from '../domain/assignment.js';
import type { Fence, Member } from '../store/fence.js';
import type { LeasesPort } from '../store/ports.js';

export interface OwnershipOptions {
  store: LeasesPort;
  /** This controller's member id: unique per process (host, pid and a random suffix). */
  id: string;
  /** What the heartbeat table shows about this controller (host, pid, health address). */
  info: Record<string, unknown>;
  /** Lease and heartbeat lifetime; both are refreshed every third of it. */
  leaseMs: number;
  log: Logger;
  /** Lease names to share out: `pool:<name>` per pool (and `envset:<name>` once environments exist). */
  keys: () => Promise<string[]>;
  /** Resolves once no work runs under `key`'s lease, so handing it back never cuts a tick in half. */
  quiesce?: (key: string) => Promise<void>;
  /** Paces the cycles; lease times themselves are always the database's. */
  clock?: Clock;
}

/**
 * This controller's share of the work. Every cycle it heartbeats, computes who should own what
 * (rendezvous hashing with bounded loads over the live members: see docs/design/0001), takes or
 * renews the leases assigned to it and hands back the ones that moved to another member. The
 * controller acts on a key only while `fence(key)` returns its tenure, and stamps every write
 * and provider call with it, so the database settles any disagreement between views.
 */
export class Ownership {
  private readonly held = new Map<string, { fence: Fence; renewedAt: number }>();
  private live: Member[] = [];
  private cycling: Promise<void> = Promise.resolve();

  constructor(private readonly o: OwnershipOptions) {}

  get id(): string {
    return this.o.id;
  }

  /**
   * The current tenure, if this controller holds `key`. A lease not renewed for a whole period
   * (the process was frozen, the database unreachable) counts as lost here already; the
   * database would refuse its writes anyway.
   */
  fence(key: string): Fence | undefined {
    const h = this.held.get(key);
    if (!h) return undefined;
    if (performance.now() - h.renewedAt >= this.o.leaseMs) return undefined;
    return h.fence;
  }

  owned(): Fence[] {
    return [...this.held.keys()].flatMap((k) => this.fence(k) ?? []);
  }

  members(): Member[] {
    return this.live;
  }

  /** Writes or provider calls refused because a lease had moved on (for metrics). */
  refusals = 0;

  /** A write under `key` was refused: stop acting on it until a cycle takes it again. */
  lost(key: string): void {
    this.refusals++;
    if (this.held.delete(key)) this.o.log.warn({ lease: key, member: this.o.id }, 'lease lost: a write was refused by its fencing token');
  }

  /** One heartbeat: membership, assignment, acquire or renew what is ours, hand back what moved. */
  cycle(): Promise<void> {
    this.cycling = this.cycling.then(() => this.runCycle());
    return this.cycling;
  }

  private async runCycle(): Promise<void> {
    const { store, id, leaseMs, log } = this.o;
    const started = performance.now();
    this.live = await store.heartbeat(id, this.o.info, leaseMs);
    const keys = await this.o.keys();
    const target = assign(keys, this.live.map((m) => m.id));
    for (const [key, h] of [...this.held]) {
      const to = target.get(key);
      if (to === id) continue;
      // Stop starting work under it first, then wait for running work, then pass it on.
      this.held.delete(key);
      await this.o.quiesce?.(key);
      await this.handOver(h.fence, to);
    }
    // A lease handed to this controller since its last cycle, by a member whose view of the
    // members differed, may belong to someone else by this view: pass it on now rather than let
    // it sit unused until it lapses.
    for (const l of await store.listLeases()) {
      if (l.live && l.holder === id && !this.held.has(l.name) && target.get(l.name) !== id) await this.handOver({ lease: l.name, holder: id, token: l.token }, target.get(l.name));
    }
    const mine = keys.filter((k) => target.get(k) === id);
    await Promise.all(
      mine.map(async (key) => {
        const fence = await store.acquireLease(key, id, leaseMs);
        const before = this.held.get(key)?.fence;
        if (!fence) {
          if (before && this.held.delete(key)) log.warn({ lease: key, member: id }, 'lease lost: it lapsed and another controller holds it');
          return;
        }
        if (!before || before.token !== fence.token) log.info({ lease: key, token: fence.token, member: id }, 'lease acquired');
        this.held.set(key, { fence, renewedAt: started });
      }),
    );
  }

  /**
   * Gives a lease straight to the member the assignment names (it is never unheld while it moves,
   * and the new token refuses this controller's stragglers); with no live member to take it, it is released.
   */
  private async handOver(fence: Fence, to: string | undefined): Promise<void> {
    // handOverLease releases the lease itself when it cannot pass it on.
    const moved = to !== undefined ? await this.o.store.handOverLease(fence, to, this.o.leaseMs) : (await this.o.store.releaseLease(fence), false);
    this.o.log.info({ lease: fence.lease, to: moved ? to : undefined, member: this.o.id }, moved ? 'lease handed over' : 'lease released');
  }

  /**
   * Cycles every third of a lease period until `signal` aborts; a failed cycle is logged and retried.
   * The first cycle (joining the members) is the caller's `cycle()`, made once this controller can act.
   */
  async run(signal: AbortSignal): Promise<void> {
    const every = Math.max(50, Math.floor(this.o.leaseMs / 3));
    const clock = this.o.clock ?? realClock;
    for (;;) {
      await clock.sleep(every, signal).catch(() => undefined);
      if (signal.aborted) return;
      await this.cycle().catch((err: unknown) => this.o.log.error({ err, member: this.o.id }, 'ownership cycle failed'));
    }
  }

  /**
   * Graceful exit: waits for the last cycle, passes every lease it holds to the member that owns
   * it once this one is gone (so no pool waits for a heartbeat to lapse or a survivor's next
   * cycle), and leaves the member table.
   */
  async stop(): Promise<void> {
    await this.cycling.catch(() => undefined);
    this.held.clear();
    // Every lease the database says is ours, including one handed to us since our last cycle.
    const fences = (await this.o.store.listLeases()).filter((l) => l.live && l.holder === this.o.id).map((l) => ({ lease: l.name, holder: this.o.id, token: l.token }));
    const others = this.live.map((m) => m.id).filter((m) => m !== this.o.id);
    const target = fences.length > 0 && others.length > 0 ? assign(await this.o.keys().catch(() => []), others) : new Map<string, string>();
    await Promise.all(fences.map((f) => this.handOver(f, target.get(f.lease))));
    await this.o.store.leave(this.o.id);
  }
}
