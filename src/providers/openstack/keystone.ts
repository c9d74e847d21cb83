import type { CloudAuth, ResolvedCloud } from './cloud-auth.js';
import { expectOk } from './api-error.js';
import { joinUrl, type HttpSend } from './http.js';

/** One service of the catalog, as Keystone v3 returns it. */
export interface CatalogService {
  type: string;
  name?: string;
  endpoints: { interface: string; region?: string | null; region_id?: string | null; url: string }[];
}

export interface IssuedToken {
  token: string;
  expiresAt: number;
  catalog: CatalogService[];
  projectId?: string | undefined;
}

/** The one Keystone call flotte makes. */
export interface KeystoneApi {
  issueToken(auth: CloudAuth, signal?: AbortSignal): Promise<IssuedToken>;
}

/** Keystone v3 over HTTP. `authUrl` may be given with or without its `/v3`. */
export function keystoneApi(http: HttpSend, authUrl: string, now: () => number): KeystoneApi {
  const base = /\/v3\/?$/.test(authUrl) ? authUrl : joinUrl(authUrl, 'v3');
  return {
    async issueToken(auth, signal) {
      const res = expectOk('keystone', 'POST /auth/tokens', await http({ method: 'POST', url: joinUrl(base, 'auth/tokens'), json: tokenRequest(auth), signal }), now());
      const token = res.headers.get('x-subject-token');
      const body = res.body as { token?: { expires_at?: string; catalog?: CatalogService[]; project?: { id?: string } } };
      if (!token || !body?.token?.expires_at) throw new Error('keystone POST /auth/tokens: answer without X-Subject-Token or expires_at');
      return { token, expiresAt: Date.parse(body.token.expires_at), catalog: body.token.catalog ?? [], projectId: body.token.project?.id };
    },
  };
}

/** The Keystone v3 `POST /auth/tokens` body for each method. */
export function tokenRequest(auth: CloudAuth): unknown {
  if (auth.method === 'application-credential') {
    const user = auth.user && (auth.user.userId || auth.user.username) ? userRef(auth.user) : undefined;
    const cred = auth.id ? { id: auth.id, secret: auth.secret } : { name: auth.name, secret: auth.secret, user };
    return { auth: { identity: { methods: ['application_credential'], application_credential: cred } } };
  }
  const identity =
    auth.method === 'password'
      ? { methods: ['password'], password: { user: { ...userRef(auth), password: auth.password } } }
      : { methods: ['token'], token: { id: auth.token } };
  const project = auth.projectId
    ? { id: auth.projectId }
    : auth.projectName
      ? { name: auth.projectName, domain: auth.projectDomainId ? { id: auth.projectDomainId } : { name: auth.projectDomainName ?? 'Default' } }
      : undefined;
  return { auth: { identity, ...(project ? { scope: { project } } : {}) } };
}

function userRef(u: { userId?: string | undefined; username?: string | undefined; userDomainId?: string | undefined; userDomainName?: string | undefined }): Record<string, unknown> {
  if (u.userId) return { id: u.userId };
  return { name: u.username, domain: u.userDomainId ? { id: u.userDomainId } : { name: u.userDomainName ?? 'Default' } };
}

/** Picks an endpoint by service type, interface and (when set) region; undefined when the catalog has none. */
export function findEndpoint(catalog: readonly CatalogService[], type: string, iface: ResolvedCloud['interface'], region?: string): string | undefined {
  for (const service of catalog) {
    if (service.type !== type) continue;
    const hit = service.endpoints.find(
      (e) => e.interface === iface && (region === undefined || e.region_id === region || e.region === region),
    );
    if (hit) return hit.url;
  }
  return undefined;
}
