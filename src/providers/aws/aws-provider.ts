import type { Instance } from '@aws-sdk/client-ec2';
import type { Clock } from '../../clock/clock.js';
import { TAG } from '../../domain/types.js';
import { ProviderError, chunk, type BatchResult, type LaunchRequest, type LaunchResult, type OwnerFilter, type Provider, type ProviderCapabilities, type ProviderLimits, type ProviderMachine } from '../provider.js';
import { batchCall } from './batch.js';
import { EC2_LIMITS, HEALTH_REFRESH_MS, LIST_GRACE_MS, PAGE_SIZE, POOLS_PER_FILTER, STATUS_IDS_PER_CALL } from './constants.js';
import type { Ec2Api } from './ec2-api.js';
import { toProviderError } from './errors.js';
import { MARKET_TAG, runInstancesInput, spotShare, type Market } from './launch-input.js';
import { settingsFor, type AwsProviderOptions } from './options.js';
import { faultOf, toProviderMachine } from './states.js';

/**
 * EC2 behind the provider contract, through RunInstances (one zone and type per call, as the
 * controller's intents are). On InsufficientInstanceCapacity (or a short answer) the template's
 * next instance type is tried at once in the same zone; the refused types are reported in
 * `exhausted` for the controller's one capacity memory, and what still could not be placed
 * comes back as a `capacity` failure naming the zone, so the controller moves the rest to
 * other zones.
 */
export class AwsProvider implements Provider {
  readonly name = 'aws';
  readonly capabilities: ProviderCapabilities = { stopStart: true, reboot: true, batchLaunch: true };
  readonly limits: ProviderLimits = EC2_LIMITS;
  /** Instances this process launched, by id → launch time: EC2 may not know them yet. */
  private readonly young = new Map<string, { at: number; pool: string; spot: boolean }>();
  /** Live on-demand machines per pool at the last list: the base of the Spot mix. */
  private onDemandLive = new Map<string, number>();
  private health = new Map<string, string>();
  private healthAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly ec2: Ec2Api, private readonly options: AwsProviderOptions, private readonly clock: Clock) {}

  async launch(req: LaunchRequest, signal?: AbortSignal): Promise<LaunchResult> {
    if (!Number.isInteger(req.count) || req.count < 1 || req.count > this.limits.launchPerCall) {
      throw new ProviderError('invalid', `InvalidParameterValue: count ${req.count} outside 1..${this.limits.launchPerCall}`, { code: 'InvalidParameterValue' });
    }
    const s = settingsFor(this.options, req.template.name);
    const pool = req.tags[TAG.pool] ?? '';
    const spot = spotShare(req.count, this.onDemandLive.get(pool) ?? 0, s.market);
    // Claimed before the first await: launches running side by side must not each fill the same base.
    this.onDemandLive.set(pool, (this.onDemandLive.get(pool) ?? 0) + req.count - spot);
    const launched: ProviderMachine[] = [];
    const exhausted: string[] = [];
    let failure: ProviderError | null = null;
    let missing = 0;
    for (const [market, count] of [['on-demand', req.count - spot], ['spot', spot]] as [Market, number][]) {
      if (count === 0) continue;
      try {
        const part = await this.place(req, market, count, signal);
        launched.push(...part.launched);
        // Spot capacity says nothing of on-demand capacity: only on-demand refusals are reported.
        if (market === 'on-demand') exhausted.push(...part.exhausted);
        if (part.failed) {
          missing += part.failed.count;
          failure = part.failed.error;
        }
      } catch (e) {
        if (!(e instanceof ProviderError) || e.kind !== 'capacity') {
          if (launched.length > 0 && e instanceof ProviderError) return { launched, failed: { count: req.count - launched.length, error: e }, exhausted };
          throw e;
        }
        missing += count;
        failure = e;
      }
    }
    const onDemandMade = launched.filter((m) => m.tags[MARKET_TAG] !== 'spot').length;
    this.onDemandLive.set(pool, (this.onDemandLive.get(pool) ?? 0) - (req.count - spot - onDemandMade));
    if (launched.length === 0 && failure) throw failure;
    return { launched, failed: failure && missing > 0 ? { count: missing, error: failure } : null, exhausted };
  }

  /**
   * Places `count` machines of one market in the request's zone, falling through the template's
   * types (but not those the caller remembers as exhausted). What could not be placed fails with
   * what EC2 answered: how many a call returned of how many asked, and EC2's own errors.
   */
  private async place(req: LaunchRequest, market: Market, count: number, signal?: AbortSignal): Promise<LaunchResult & { exhausted: string[] }> {
    const skip = new Set(req.unavailableSizes ?? []);
    const sizes = [req.size, ...req.template.sizes.filter((x) => x !== req.size && !skip.has(x))];
    const s = settingsFor(this.options, req.template.name);
    const launched: ProviderMachine[] = [];
    const exhausted: string[] = [];
    const answers: string[] = [];
    let code: string | undefined;
    let left = count;
    for (const size of sizes) {
      if (left === 0) break;
      // Each (type, market) has its own token derived from the intent: a re-send replays each call.
      const clientToken = size === req.size && market === 'on-demand' ? req.token : `${req.token}.${market === 'spot' ? 's.' : ''}${size}`.slice(0, 64);
      const asked = left;
      try {
        const out = await this.ec2.runInstances(runInstancesInput(req, s, { size, count: asked, market, clientToken }), signal);
        const got = (out.Instances ?? []).map((i) => this.seen(i));
        launched.push(...got);
        left -= got.length;
        // EC2 gives no reason for a short answer (MinCount 1): say only what it returned.
        if (left > 0) {
          answers.push(`RunInstances returned ${got.length} of ${asked} ${size}`);
          exhausted.push(size);
        }
      } catch (e) {
        const err = toProviderError(e, { zone: req.zone, size });
        if (err.kind !== 'capacity') {
          if (launched.length > 0) return { launched, failed: { count: left, error: err }, exhausted };
          throw err;
        }
        answers.push(err.message);
        code = err.details.code;
        exhausted.push(size);
      }
    }
    if (left === 0) return { launched, failed: null, exhausted };
    const error = new ProviderError('capacity', answers.join('; '), { ...(code ? { code } : {}), zone: req.zone, size: req.size });
    if (launched.length === 0) throw error;
    return { launched, failed: { count: left, error }, exhausted };
  }

  terminate(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return batchCall(ids, (part) => this.ec2.terminateInstances({ InstanceIds: part }, signal), (id) => this.isYoung(id));
  }

  reboot(ids: readonly string[], _options: { hard: boolean }, signal?: AbortSignal): Promise<BatchResult> {
    // EC2 has no hard reboot call: it turns a reboot that does not finish in four minutes into a hard one itself.
    return batchCall(ids, (part) => this.ec2.rebootInstances({ InstanceIds: part }, signal), (id) => this.isYoung(id));
  }

  stop(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return batchCall(ids, (part) => this.ec2.stopInstances({ InstanceIds: part }, signal), (id) => this.isYoung(id));
  }

  start(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return batchCall(ids, (part) => this.ec2.startInstances({ InstanceIds: part }, signal), (id) => this.isYoung(id));
  }

  async list(filter: OwnerFilter, signal?: AbortSignal): Promise<ProviderMachine[]> {
    const cluster = { Name: `tag:${TAG.cluster}`, Values: [filter.cluster] };
    // Pools go to EC2 as values of one tag filter (matched as OR), a bounded number per walk.
    const walks = filter.pools ? chunk(filter.pools, POOLS_PER_FILTER).map((Values) => [cluster, { Name: `tag:${TAG.pool}`, Values }]) : [[cluster]];
    const out: ProviderMachine[] = [];
    try {
      for (const Filters of walks) {
        let NextToken: string | undefined;
        do {
          const page = await this.ec2.describeInstances({ Filters, MaxResults: PAGE_SIZE, ...(NextToken ? { NextToken } : {}) }, signal);
          for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) out.push(toProviderMachine(i));
          NextToken = page.NextToken || undefined;
        } while (NextToken);
      }
      await this.refreshHealth(out, signal);
    } catch (e) {
      throw toProviderError(e);
    }
    for (const m of out) {
      const fault = this.health.get(m.id);
      if (fault && m.status === 'running') Object.assign(m, { status: 'error', fault });
    }
    this.countOnDemand(out, filter);
    return out;
  }

  /** DescribeInstanceStatus for the running machines, 100 ids a call, at most every HEALTH_REFRESH_MS. */
  private async refreshHealth(machines: ProviderMachine[], signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    if (now - this.healthAt < HEALTH_REFRESH_MS) return;
    const running = machines.filter((m) => m.status === 'running').map((m) => m.id);
    const next = new Map<string, string>();
    for (const part of chunk(running, STATUS_IDS_PER_CALL)) {
      try {
        const r = await this.ec2.describeInstanceStatus({ InstanceIds: part, IncludeAllInstances: true }, signal);
        for (const st of r.InstanceStatuses ?? []) {
          const fault = faultOf(st);
          if (fault && st.InstanceId) next.set(st.InstanceId, fault);
        }
      } catch (e) {
        // An instance that stopped between the two calls fails the batch as not found: keep the old view this time.
        if (toProviderError(e).kind === 'not-found') return;
        throw e;
      }
    }
    this.health = next;
    this.healthAt = now;
  }

  private countOnDemand(machines: ProviderMachine[], filter: OwnerFilter): void {
    const live = new Map<string, number>();
    const listed = new Set<string>();
    for (const m of machines) {
      listed.add(m.id);
      if (m.status === 'terminated' || m.status === 'terminating' || m.tags[MARKET_TAG] === 'spot') continue;
      const pool = m.tags[TAG.pool] ?? '';
      live.set(pool, (live.get(pool) ?? 0) + 1);
    }
    // Launched but not listed yet (eventual consistency): still part of the base.
    for (const [id, y] of this.young) if (!listed.has(id) && !y.spot) live.set(y.pool, (live.get(y.pool) ?? 0) + 1);
    if (filter.pools === undefined) this.onDemandLive = live;
    else for (const pool of filter.pools) this.onDemandLive.set(pool, live.get(pool) ?? 0);
    const now = this.clock.now();
    for (const [id, y] of this.young) if (now - y.at > LIST_GRACE_MS) this.young.delete(id);
  }

  private seen(i: Instance): ProviderMachine {
    const m = toProviderMachine(i);
    this.young.set(m.id, { at: this.clock.now(), pool: m.tags[TAG.pool] ?? '', spot: m.tags[MARKET_TAG] === 'spot' });
    return m;
  }

  private isYoung(id: string): boolean {
    const y = this.young.get(id);
    return y !== undefined && this.clock.now() - y.at < LIST_GRACE_MS;
  }
}
