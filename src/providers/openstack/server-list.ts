import type { Clock } from '../../clock/clock.js';
import { TAG } from '../../domain/types.js';
import type { ProviderMachine } from '../provider.js';
import type { NovaApi, NovaServer } from './nova.js';
import { toProviderMachine } from './status.js';

/** `changes-since` reaches back this far past the previous answer's Date header (1 s resolution, clock skew). */
export const CHANGES_SINCE_MARGIN_MS = 5_000;

interface ClusterView {
  machines: Map<string, ProviderMachine>;
  /** Server time of the last answer, less the time it took: where the next `changes-since` starts. */
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
  /** Servers flotte deleted (`gone`: Nova answered 404), by id, with when. */
  private readonly deleted = new Map<string, { at: number; gone: boolean }>();

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
      this.settle(machines, now, true);
      this.views.set(cluster, { machines, since: this.answeredFrom(serverTime, now), fullAt: now });
      return [...machines.values()];
    }
    const since = new Date(view.since - CHANGES_SINCE_MARGIN_MS).toISOString();
    const { servers, serverTime } = await this.walk({ 'changes-since': since }, signal);
    for (const s of servers) {
      const known = view.machines.get(s.id);
      if (s.status === 'DELETED' || s.status === 'SOFT_DELETED') view.machines.delete(s.id);
      else if (s.metadata?.[TAG.cluster] === cluster) view.machines.set(s.id, toProviderMachine(s));
      // A server of ours that a refresh shows without our tags would vanish from its pool and be
      // replaced as dead: it stays ours (as last seen, when the answer says nothing of it) until
      // a full list decides whether its tags were really removed.
      else if (known) view.machines.set(s.id, s.metadata === undefined ? known : { ...toProviderMachine(s), tags: known.tags });
    }
    this.settle(view.machines, now, false);
    view.since = this.answeredFrom(serverTime, now);
    return [...view.machines.values()];
  }

  /**
   * Folds flotte's own deletes into the cached views: `accepted` are being deleted, `gone` are
   * unknown to Nova. `changes-since` filters on `updated_at`, which Nova's soft delete leaves
   * as it was, so a server deleted with no update first (one still building is deleted on the
   * spot) never shows as DELETED there; and an answer to a list sent before the delete is
   * older than it. Believing either, the controller would adopt again what it had just
   * terminated and, at the next full list, call it dead and replace it. Until a full list
   * sent after the delete says otherwise, such a server is listed as terminating, or not at all.
   */
  noteDeleted(accepted: readonly string[], gone: readonly string[]): void {
    const at = this.clock.now();
    for (const id of accepted) this.deleted.set(id, { at, gone: false });
    for (const id of gone) this.deleted.set(id, { at, gone: true });
    for (const view of this.views.values()) this.settle(view.machines, at, false);
  }

  /**
   * Where the next `changes-since` may start for an answer sent at `sent`: the Date header
   * tells when Nova answered, but it read its rows earlier, by as much as the answer took on a
   * loaded control plane (seconds, more than the margin). A change made in between would
   * otherwise fall between two refreshes and stay unseen until the next full list.
   */
  private answeredFrom(serverTime: number | undefined, sent: number): number {
    return serverTime === undefined ? sent : serverTime - (this.clock.now() - sent);
  }

  /** Applies flotte's deletes to a list answer to a request sent at `sentAt`; a full list sent after a delete ends its hold. */
  private settle(machines: Map<string, ProviderMachine>, sentAt: number, full: boolean): void {
    for (const [id, d] of this.deleted) {
      if (full && sentAt > d.at) {
        this.deleted.delete(id);
        continue;
      }
      const m = machines.get(id);
      if (!m) continue;
      if (d.gone) machines.delete(id);
      else if (m.status !== 'terminating') machines.set(id, { ...m, status: 'terminating' });
    }
  }

  /** Forgets the cached view, so the next list is a full one (after flotte itself created servers, say). */
  forget(cluster?: string): void {
    if (cluster === undefined) this.views.clear();
    else this.views.delete(cluster);
  }

  /**
   * Every page of servers/detail for `query`, each server once. Nova pages by marker over a list
   * that changes while it pages (servers created, deleted): one may come on two pages, and then
   * the later page, read last, has its newer state.
   */
  async walk(query: Record<string, string>, signal?: AbortSignal): Promise<{ servers: NovaServer[]; serverTime?: number | undefined; pages: number }> {
    const servers = new Map<string, NovaServer>();
    let marker: string | undefined;
    let serverTime: number | undefined;
    let pages = 0;
    for (;;) {
      signal?.throwIfAborted();
      const page = await this.nova.listServers({ ...query, limit: String(this.opts.pageSize), ...(marker ? { marker } : {}) }, signal);
      pages++;
      serverTime ??= page.serverTime;
      for (const server of page.servers) servers.set(server.id, server);
      // Nova sends a next link whenever a page is full; an empty page after it ends the walk.
      if (!page.next || page.servers.length === 0) return { servers: [...servers.values()], serverTime, pages };
      marker = page.next;
    }
  }
}
