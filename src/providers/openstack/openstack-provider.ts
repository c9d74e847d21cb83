import type { Clock } from '../../clock/clock.js';
import { TAG } from '../../domain/types.js';
import {
  inPools,
  type BatchResult,
  type LaunchRequest,
  type LaunchResult,
  type OwnerFilter,
  type Provider,
  type ProviderCapabilities,
  type ProviderLimits,
  type ProviderMachine,
  type SizeFacts,
} from '../provider.js';
import { toProviderError } from './errors.js';
import type { GlanceApi, NeutronApi } from './glance-neutron.js';
import { InFlight } from './in-flight.js';
import { launchServers } from './launch.js';
import type { NovaApi } from './nova.js';
import type { OpenStackOptions } from './options.js';
import { Resolver } from './resolver.js';
import { applyAction, type ServerAction } from './server-actions.js';
import { ServerLister } from './server-list.js';

/** Nova lists a server from the moment POST /servers answers; this covers a slow cell. */
export const OPENSTACK_LIST_GRACE_MS = 15_000;

export interface OpenStackPorts {
  nova: NovaApi;
  glance: GlanceApi;
  neutron: NeutronApi;
  /** Passwords, secrets and tokens to scrub from every message. */
  secrets: () => string[];
}

/**
 * The `openstack` provider: Nova servers owned through metadata tags. One request per server
 * (Nova has no batch actions and advises against large multi-creates), at most `maxInFlight`
 * at a time; the shared rate limiter paces each wave of `idsPerCall` as one call.
 */
export class OpenStackProvider implements Provider {
  readonly name = 'openstack';
  readonly capabilities: ProviderCapabilities = { stopStart: true, reboot: true, batchLaunch: true };
  readonly limits: ProviderLimits;
  private readonly inFlight: InFlight;
  private readonly lister: ServerLister;
  private readonly resolver: Resolver;

  constructor(private readonly ports: OpenStackPorts, private readonly options: OpenStackOptions, private readonly clock: Clock) {
    this.inFlight = new InFlight(options.maxInFlight);
    this.lister = new ServerLister(ports.nova, clock, { pageSize: options.pageSize, changesSince: options.changesSince, fullListMs: options.fullListSeconds * 1000 });
    this.resolver = new Resolver(ports.nova, ports.glance, ports.neutron);
    this.limits = {
      idsPerCall: options.maxInFlight,
      launchPerCall: options.launchPerCall,
      buckets: structuredClone(options.buckets),
      listGraceMs: OPENSTACK_LIST_GRACE_MS,
      pageSize: options.pageSize,
    };
  }

  async launch(request: LaunchRequest, signal?: AbortSignal): Promise<LaunchResult> {
    const { nova } = this.ports;
    const result = await this.guard(() => launchServers({ nova, resolver: this.resolver, lister: this.lister, inFlight: this.inFlight, clock: this.clock, options: this.options, secrets: this.ports.secrets }, request, signal));
    // A server just created can be missing from a changes-since refresh for a while, and the
    // controller would take it for dead: the next list after a launch is a full one.
    if (result.launched.length > 0) this.lister.forget(request.tags[TAG.cluster]);
    return result;
  }

  async terminate(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    const result = await this.act('delete', ids, signal);
    this.lister.noteDeleted(result.done, result.notFound);
    return result;
  }

  reboot(ids: readonly string[], options: { hard: boolean }, signal?: AbortSignal): Promise<BatchResult> {
    return this.act(options.hard ? 'reboot-hard' : 'reboot-soft', ids, signal);
  }

  stop(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.act('stop', ids, signal);
  }

  /** Starts stopped servers and unshelves shelved ones (see server-actions.ts). */
  start(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.act('start', ids, signal);
  }

  /** Shelves servers (stopped environments that free their hypervisor): Nova keeps their disks, ids and ports. */
  shelve(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.act('shelve', ids, signal);
  }

  /** Nova's flavors by name, memory in GiB: what environment quotas count. */
  async sizes(signal?: AbortSignal): Promise<Record<string, SizeFacts>> {
    const flavors = await this.guard(() => this.ports.nova.listFlavors(signal));
    return Object.fromEntries(flavors.map((f) => [f.name, { vcpus: f.vcpus, memoryGb: f.ram / 1024 }]));
  }

  async list(filter: OwnerFilter, signal?: AbortSignal): Promise<ProviderMachine[]> {
    const all = await this.guard(() => this.lister.list(filter.cluster, signal));
    // Nova filters servers by no metadata: the pools are picked here, from the one walk of the cluster.
    return all.filter((m) => inPools(filter, m.tags[TAG.pool]));
  }

  private act(action: ServerAction, ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.guard(() => applyAction(this.ports.nova, this.inFlight, this.clock, action, ids, this.ports.secrets, signal));
  }

  /** Everything leaving the provider is a ProviderError with secrets scrubbed; an abort stays an abort. */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw toProviderError(e, this.ports.secrets());
    }
  }
}
