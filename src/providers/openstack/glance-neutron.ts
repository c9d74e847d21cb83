import { expectOk } from './api-error.js';
import { joinUrl } from './http.js';
import type { AuthedSend } from './nova.js';

/** The one Glance v2 call flotte makes: an image's id from a name or an id. */
export interface GlanceApi {
  findImages(nameOrId: string, signal?: AbortSignal): Promise<{ id: string; name: string }[]>;
}

/** The one Neutron v2 call flotte makes: a network's id from a name or an id. */
export interface NeutronApi {
  findNetworks(nameOrId: string, signal?: AbortSignal): Promise<{ id: string; name: string }[]>;
}

type Endpoint = (signal?: AbortSignal) => Promise<string>;
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function glanceApi(send: AuthedSend, endpoint: Endpoint, now: () => number): GlanceApi {
  return {
    async findImages(nameOrId, signal) {
      const base = joinUrl(await endpoint(signal), 'v2/images');
      const query = UUID_RE.test(nameOrId) ? `id=${encodeURIComponent(nameOrId)}` : `name=${encodeURIComponent(nameOrId)}`;
      const res = expectOk('glance', `GET /v2/images?${query}`, await send({ method: 'GET', url: `${base}?${query}&limit=25`, signal }), now());
      return ((res.body as { images?: { id: string; name: string }[] }).images ?? []).map(({ id, name }) => ({ id, name }));
    },
  };
}

export function neutronApi(send: AuthedSend, endpoint: Endpoint, now: () => number): NeutronApi {
  return {
    async findNetworks(nameOrId, signal) {
      const field = UUID_RE.test(nameOrId) ? 'id' : 'name';
      const url = `${joinUrl(await endpoint(signal), 'v2.0/networks')}?${field}=${encodeURIComponent(nameOrId)}&fields=id&fields=name`;
      const res = expectOk('neutron', `GET /v2.0/networks?${field}=${nameOrId}`, await send({ method: 'GET', url, signal }), now());
      return (res.body as { networks?: { id: string; name: string }[] }).networks ?? [];
    },
  };
}
