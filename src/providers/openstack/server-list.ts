import type { Clock } from '../../clock/clock.js';
import { TAG } from '../../domain/types.js';
import type { ProviderMachine } from '../provider.js';
import type { NovaApi, NovaServer } from './nova.js';
import { toProviderMachine } from './status.js';

/** `changes-since` reaches back this far past the previous answer's Date header (1 s resolution, clock skew). */
export const CHANGES_SINCE_MARGIN_MS = 5_000;

interface ClusterView {
  machines: Map<string, ProviderMachine>;
  /** Server time of the last answer: where the next `changes-since` starts. */
  since: number;
  fullAt: number;
}

/**
 * Lists a cluster's servers: a full `servers/detail` walk (limit/marker) at first and every
 * `fullListMs`, and in between only what changed (`changes-since`, which also returns the
 * servers deleted meanwhile as DELETED). Ownership is read from server metadata.
 */
export class ServerLister {
  private readonly views = new Map<string, ClusterView>();

  constructor(
    private readonly nova: NovaApi,
    private readonly clock: Clock,
    private readonly opts: { pageSize: number; changesSince: boolean; fullListMs: number },
  ) {}

  async list(cluster: string, signal?: AbortSignal): Promise<ProviderMachine[]> {
    const now = this.clock.now();
    const view = this.views.get(cluster);
    if (!view || !this.opts.changesSince || now - view.fullAt >= this.opts.fullListMs) {
      const { servers, serverTime } = await this.walk({}, signal);
      const machines = new Map(servers.filter((s) => s.metadata?.[TAG.cluster] === cluster && s.status !== 'DELETED').map((s) => [s.id, toProviderMachine(s)]));
      this.views.set(cluster, { machines, since: serverTime ?? now, fullAt: now });
      return [...machines.values()];
    }
    const since = new Date(view.since - CHANGES_SINCE_MARGIN_MS).toISOString();
    const { servers, serverTime } = await this.walk({ 'changes-since': since }, signal);
    for (const s of servers) {
      const known = view.machines.has(s.id);
      if (s.status === 'DELETED' || s.status === 'SOFT_DELETED') view.machines.delete(s.id);
      else if (s.metadata?.[TAG.cluster] === cluster || (known && s.metadata === undefined)) view.machines.set(s.id, toProviderMachine(s));
      else if (known) view.machines.delete(s.id); // its ownership tag was removed: no longer ours
    }
    view.since = serverTime ?? now;
    return [...view.machines.values()];
  }

  /** Forgets the cached view, so the next list is a full one (after flotte itself created servers, say). */
  forget(cluster?: string): void {
    if (cluster === undefined) this.views.clear();
    else this.views.delete(cluster);
  }

  /** Every page of servers/detail for `query`. */
  async walk(query: Record<string, string>, signal?: AbortSignal): Promise<{ servers: NovaServer[]; serverTime?: number | undefined; pages: number }> {
    const servers: NovaServer[] = [];
    let marker: string | undefined;
    let serverTime: number | undefined;
    let pages = 0;
    for (;;) {
      signal?.throwIfAborted();
      const page = await this.nova.listServers({ ...query, limit: String(this.opts.pageSize), ...(marker ? { marker } : {}) }, signal);
      pages++;
      serverTime ??= page.serverTime;
      servers.push(...page.servers);
      // Nova sends a next link whenever a page is full; an empty page after it ends the walk.
      if (!page.next || page.servers.length === 0) return { servers, serverTime, pages };
      marker = page.next;
    }
  }
}
