import type { Clock } from '../clock/clock.js';
import { Random } from '../domain/random.js';
import { TAG } from '../domain/types.js';
import { ProviderError, type BatchResult, type LaunchRequest, type LaunchResult, type OwnerFilter, type Provider, type ProviderLimits, type ProviderMachine } from '../providers/provider.js';
import type { SimCloud } from '../providers/sim/index.js';

/** Asked before a terminate, stop or reboot reaches the cloud: which of these ids were not asked for. */
export type HarmCheck = (action: 'terminate' | 'stop' | 'reboot', ids: readonly string[]) => Promise<void>;

/**
 * The sim cloud as the campaign's faults bend it: slow answers, launches whose reply is lost
 * after the cloud acted, a cloud that forgets idempotency tokens, a share of calls refused as
 * unavailable. It also keeps the campaign's own records of what the cloud did (machines made
 * per intent, the ids each list showed) and checks every harmful call before it goes through.
 */
export class ChaosCloud implements Provider {
  readonly name = 'sim';
  readonly capabilities: Provider['capabilities'];
  readonly limits: ProviderLimits;
  slowMs = 0;
  loseReplies = false;
  forgetTokens = false;
  /** Share of calls refused as unavailable: a partial outage. */
  failShare = 0;
  /** One action throttled alone (as EC2 throttles RunInstances apart from Describe*), and the share of its calls refused. */
  throttled: { action: 'launch' | 'terminate' | 'reboot' | 'list'; share: number } | undefined;
  /** Share of launches that make only part of what was asked, the rest refused for capacity (RunInstances with MinCount below Count). */
  partialShare = 0;
  /** How long the list keeps showing a terminated machine as running: deletes seen late. */
  private staleDeletesMs = 0;
  /** Machine → when a terminate for it was accepted, for stale lists. */
  private readonly terminatedAt = new Map<string, number>();
  /**
   * Machine ids the cloud made, per intent tag: counted from the cloud's replies, lost ones
   * included. An intent stays until the sim has forgotten all its machines (forgetVanished).
   */
  readonly made = new Map<string, Set<string>>();
  /** Machines made in all, each counted once: what the ledger above held, and what it has let go. */
  madeInAll = 0;
  /** Live ids the last successful list showed, and when; cleared by the engine each tick. */
  listed: { at: number; ids: string[] } | undefined;
  /** Live machines per pool tag in the last successful list that covered the pool. */
  liveByPool = new Map<string, number>();
  private forgotten = 0;
  private readonly rng: Random;

  constructor(
    private readonly sim: SimCloud,
    private readonly clock: Clock,
    seed: number,
    listGraceMs: number,
    private readonly harm: HarmCheck,
  ) {
    this.capabilities = sim.capabilities;
    this.limits = { ...sim.limits, listGraceMs };
    this.rng = new Random(seed ^ 0x5eed);
  }

  async launch(req: LaunchRequest, signal?: AbortSignal): Promise<LaunchResult> {
    await this.before('launch');
    let sent = this.forgetTokens ? { ...req, token: `${req.token}~${++this.forgotten}` } : req;
    const short = req.count > 1 && this.partialShare > 0 && this.rng.next() < this.partialShare ? 1 + this.rng.int(req.count - 1) : 0;
    if (short) sent = { ...sent, count: req.count - short };
    let out = await this.sim.launch(sent, signal);
    if (short) out = { ...out, failed: { count: short + (out.failed?.count ?? 0), error: new ProviderError('capacity', `InsufficientInstanceCapacity: only ${req.count - short} of ${req.count} could be made (injected partial launch)`, { code: 'InsufficientInstanceCapacity' }) } };
    const intent = req.tags[TAG.intent] ?? '(untagged)';
    let ids = this.made.get(intent);
    if (!ids) this.made.set(intent, (ids = new Set()));
    for (const m of out.launched) {
      if (ids.has(m.id)) continue;
      ids.add(m.id);
      this.madeInAll++;
    }
    if (this.loseReplies) throw new ProviderError('unavailable', 'the reply to RunInstances was lost (injected)', { code: 'RequestTimeout' });
    return out;
  }

  async terminate(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    await this.before('terminate');
    await this.harm('terminate', ids);
    const out = await this.sim.terminate(ids, signal);
    if (this.staleDeletesMs > 0) for (const id of out.done) if (!this.terminatedAt.has(id)) this.terminatedAt.set(id, this.clock.now());
    return out;
  }

  async reboot(ids: readonly string[], options: { hard: boolean }, signal?: AbortSignal): Promise<BatchResult> {
    await this.before('reboot');
    await this.harm('reboot', ids);
    return this.sim.reboot(ids, options, signal);
  }

  async stop(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    await this.before();
    await this.harm('stop', ids);
    return this.sim.stop(ids, signal);
  }

  async start(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    await this.before();
    return this.sim.start(ids, signal);
  }

  async list(filter: OwnerFilter, signal?: AbortSignal): Promise<ProviderMachine[]> {
    await this.before('list');
    const at = this.clock.now();
    let out = await this.sim.list(filter, signal);
    if (this.staleDeletesMs > 0) out = out.map((m) => (this.stale(m.id, at) ? { ...m, status: 'running' as const } : m));
    const live = out.filter((m) => m.status !== 'terminated' && m.status !== 'terminating');
    this.listed = { at, ids: live.map((m) => m.id) };
    // A list of some pools (an HA member listing what it holds) updates those pools' counts only.
    if (filter.pools === undefined) this.liveByPool = new Map();
    else for (const pool of filter.pools) this.liveByPool.delete(pool);
    for (const m of live) {
      const pool = m.tags[TAG.pool] ?? '';
      this.liveByPool.set(pool, (this.liveByPool.get(pool) ?? 0) + 1);
    }
    return out;
  }

  /**
   * Lets go of the intents none of whose machines the sim still knows (`known`): the sim has
   * forgotten their launch tokens too, so their checks are over, and a month-long campaign's
   * ledger holds what is alive rather than every launch it ever saw.
   */
  forgetVanished(known: ReadonlySet<string>): void {
    for (const [intent, ids] of this.made) if (![...ids].some((id) => known.has(id))) this.made.delete(intent);
  }

  /** Deletes listed late for `ms` from now on (0 ends it, and what was remembered for it). */
  staleDeletes(ms: number): void {
    this.staleDeletesMs = ms;
    if (ms === 0) this.terminatedAt.clear();
  }

  /** Asked to end within the stale window: listed as it was before the terminate. */
  private stale(id: string, at: number): boolean {
    const since = this.terminatedAt.get(id);
    if (since === undefined) return false;
    if (at - since < this.staleDeletesMs) return true;
    this.terminatedAt.delete(id);
    return false;
  }

  private async before(action?: 'launch' | 'terminate' | 'reboot' | 'list'): Promise<void> {
    if (this.throttled && action === this.throttled.action && this.rng.next() < this.throttled.share) {
      throw new ProviderError('throttled', `RequestLimitExceeded on ${action} (injected throttle of one action)`, { code: 'RequestLimitExceeded' });
    }
    if (this.slowMs > 0) await this.clock.sleep(this.slowMs);
    if (this.failShare > 0 && this.rng.next() < this.failShare) {
      throw new ProviderError('unavailable', 'ServiceUnavailable (injected partial outage)', { code: 'Unavailable' });
    }
  }
}
