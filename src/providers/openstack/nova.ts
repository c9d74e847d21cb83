import { ProviderError } from '../provider.js';
import { expectOk } from './api-error.js';
import { joinUrl, type HttpRequest, type HttpResponse } from './http.js';
import { format, negotiate, type Microversion } from './microversion.js';

/** The fields of a Nova server flotte reads (servers/detail). */
export interface NovaServer {
  id: string;
  name?: string;
  status: string;
  created?: string;
  updated?: string;
  metadata?: Record<string, string>;
  tags?: string[];
  /** `{id}` before 2.47, `{original_name, …}` from 2.47 on. */
  flavor?: { id?: string; original_name?: string };
  image?: { id?: string } | string;
  /** Network name → its addresses; the type (fixed or floating) comes with the OS-EXT-IPS extension. */
  addresses?: Record<string, { addr: string; version?: number; 'OS-EXT-IPS:type'?: string }[]>;
  fault?: { code?: number; message?: string };
  'OS-EXT-AZ:availability_zone'?: string;
  'OS-EXT-STS:task_state'?: string | null;
}

export interface NovaFlavor {
  id: string;
  name: string;
  vcpus: number;
  /** MiB. */
  ram: number;
}

export interface ServerPage {
  servers: NovaServer[];
  /** Marker for the next page; undefined on the last one. */
  next?: string | undefined;
  /** The server's own clock at answer time (Date header): the next `changes-since`. */
  serverTime?: number | undefined;
}

/** The Nova calls flotte makes, and nothing else. */
export interface NovaApi {
  microversion(signal?: AbortSignal): Promise<Microversion>;
  listServers(query: Record<string, string>, signal?: AbortSignal): Promise<ServerPage>;
  /** One server (`min_count` = `max_count` = 1 is the caller's choice); `hints` are `os:scheduler_hints`. */
  createServer(server: Record<string, unknown>, hints?: Record<string, unknown>, signal?: AbortSignal): Promise<{ id: string }>;
  /** POST /servers/{id}/action with a body such as `{reboot: {type: 'SOFT'}}`. */
  action(id: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<void>;
  deleteServer(id: string, signal?: AbortSignal): Promise<void>;
  getServer(id: string, signal?: AbortSignal): Promise<NovaServer>;
  /** With their vCPUs and memory (MiB): `flavors/detail`. */
  listFlavors(signal?: AbortSignal): Promise<NovaFlavor[]>;
}

export type AuthedSend = (req: HttpRequest) => Promise<HttpResponse>;

/**
 * Nova over HTTP. The microversion is negotiated once from the version document at the
 * endpoint's root and sent on every request in both the new and the legacy header.
 */
export function novaApi(send: AuthedSend, endpoint: (signal?: AbortSignal) => Promise<string>, now: () => number): NovaApi {
  let negotiated: Promise<Microversion> | undefined;
  const request = async (method: HttpRequest['method'], path: string, what: string, json?: unknown, signal?: AbortSignal): Promise<HttpResponse> => {
    const v = format(await api.microversion(signal));
    const res = await send({ method, url: joinUrl(await endpoint(signal), path), json, signal, headers: { 'openstack-api-version': `compute ${v}`, 'x-openstack-nova-api-version': v } });
    return expectOk('nova', what, res, now());
  };
  const api: NovaApi = {
    microversion(signal) {
      negotiated ??= (async () => {
        const base = await endpoint(signal);
        // The version document sits at the versioned root, before any project id in the path.
        const root = /^(.*\/v2(?:\.\d+)?)(?:\/|$)/.exec(base)?.[1] ?? base;
        const res = expectOk('nova', 'GET version', await send({ method: 'GET', url: `${root}/`, signal }), now());
        const doc = (res.body as { version?: { version?: string; min_version?: string } })?.version;
        const v = negotiate({ min: doc?.min_version || undefined, max: doc?.version || undefined });
        if (!v) throw new ProviderError('invalid', `nova speaks compute ${doc?.min_version}–${doc?.version}, which flotte cannot use`, { code: 'MicroversionUnsupported' });
        return v;
      })().catch((e: unknown) => {
        negotiated = undefined;
        throw e;
      });
      return negotiated;
    },
    async listServers(query, signal) {
      const res = await request('GET', `servers/detail?${new URLSearchParams(query)}`, 'GET /servers/detail', undefined, signal);
      const body = res.body as { servers?: NovaServer[]; servers_links?: { rel: string; href: string }[] };
      const nextHref = body.servers_links?.find((l) => l.rel === 'next')?.href;
      const date = res.headers.get('date');
      return {
        servers: body.servers ?? [],
        next: nextHref ? (new URL(nextHref).searchParams.get('marker') ?? undefined) : undefined,
        serverTime: date ? Date.parse(date) : undefined,
      };
    },
    async createServer(server, hints, signal) {
      const res = await request('POST', 'servers', 'POST /servers', { server, ...(hints ? { 'os:scheduler_hints': hints } : {}) }, signal);
      const id = (res.body as { server?: { id?: string } })?.server?.id;
      if (!id) throw new ProviderError('unavailable', 'nova POST /servers answered without a server id', { code: 'BadAnswer' });
      return { id };
    },
    async action(id, body, signal) {
      await request('POST', `servers/${encodeURIComponent(id)}/action`, `${Object.keys(body)[0]} ${id}`, body, signal);
    },
    async deleteServer(id, signal) {
      await request('DELETE', `servers/${encodeURIComponent(id)}`, `DELETE ${id}`, undefined, signal);
    },
    async getServer(id, signal) {
      const res = await request('GET', `servers/${encodeURIComponent(id)}`, `GET ${id}`, undefined, signal);
      return (res.body as { server: NovaServer }).server;
    },
    async listFlavors(signal) {
      const res = await request('GET', 'flavors/detail', 'GET /flavors/detail', undefined, signal);
      return (res.body as { flavors?: NovaFlavor[] }).flavors ?? [];
    },
  };
  return api;
}
