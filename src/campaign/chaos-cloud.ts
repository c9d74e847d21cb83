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
  /** Machine ids the cloud made, per intent tag: counted from the cloud's replies, lost ones included. */
  readonly made = new Map<string, Set<string>>();
  /** Live ids the last successful list showed, and when; cleared by the engine each tick. */
  listed: { at: number; ids: string[] } | undefined;
  /** Live machines per pool tag in the last successful list. */
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
    await this.before();
    const sent = this.forgetTokens ? { ...req, token: `${req.token}~${++this.forgotten}` } : req;
    const out = await this.sim.launch(sent, signal);
    const intent = req.tags[TAG.intent] ?? '(untagged)';
    let ids = this.made.get(intent);
    if (!ids) this.made.set(intent, (ids = new Set()));
    for (const m of out.launched) ids.add(m.id);
    if (this.loseReplies) throw new ProviderError('unavailable', 'the reply to RunInstances was lost (injected)', { code: 'RequestTimeout' });
    return out;
  }

  async terminate(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    await this.before();
    await this.harm('terminate', ids);
    return this.sim.terminate(ids, signal);
  }

  async reboot(ids: readonly string[], options: { hard: boolean }, signal?: AbortSignal): Promise<BatchResult> {
    await this.before();
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
    await this.before();
    const at = this.clock.now();
    const out = await this.sim.list(filter, signal);
    const live = out.filter((m) => m.status !== 'terminated' && m.status !== 'terminating');
    this.listed = { at, ids: live.map((m) => m.id) };
    this.liveByPool = new Map();
    for (const m of live) {
      const pool = m.tags[TAG.pool] ?? '';
      this.liveByPool.set(pool, (this.liveByPool.get(pool) ?? 0) + 1);
    }
    return out;
  }

  private async before(): Promise<void> {
    if (this.slowMs > 0) await this.clock.sleep(this.slowMs);
    if (this.failShare > 0 && this.rng.next() < this.failShare) {
      throw new ProviderError('unavailable', 'ServiceUnavailable (injected partial outage)', { code: 'Unavailable' });
    }
  }
}
