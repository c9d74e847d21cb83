import { Refusal } from '../../domain/refusal.js';
import type { TlsOptions } from './http.js';

export const INTERFACES = ['public', 'internal', 'admin'] as const;
export type Interface = (typeof INTERFACES)[number];

/** How to prove who we are to Keystone v3; exactly the three methods flotte supports. */
export type CloudAuth =
  | ({ method: 'password'; password: string } & UserRef & ScopeRef)
  | { method: 'application-credential'; id?: string | undefined; name?: string | undefined; secret: string; user?: UserRef | undefined }
  | ({ method: 'token'; token: string } & ScopeRef);

export interface UserRef {
  userId?: string | undefined;
  username?: string | undefined;
  userDomainId?: string | undefined;
  userDomainName?: string | undefined;
}

export interface ScopeRef {
  projectId?: string | undefined;
  projectName?: string | undefined;
  projectDomainId?: string | undefined;
  projectDomainName?: string | undefined;
}

/** A cloud ready to authenticate against: what clouds.yaml or the OS_* variables said. */
export interface ResolvedCloud {
  /** The clouds.yaml entry name, or `envvars` for OS_* variables. */
  name: string;
  /** Where it came from, for error messages: a file path or "OS_* environment". */
  source: string;
  authUrl: string;
  auth: CloudAuth;
  region?: string | undefined;
  interface: Interface;
  tls: TlsOptions;
}

/** A clouds.yaml or OS_* problem, naming the file and the key so the user can fix it. */
export class CloudConfigError extends Refusal {
  constructor(readonly file: string, readonly key: string, problem: string) {
    super(`${file}: ${key}: ${problem}`, 2);
    this.name = 'CloudConfigError';
  }
}

type Raw = Record<string, unknown>;

/**
 * Turns one cloud entry (clouds.yaml shape, secure.yaml already merged in) into a ResolvedCloud.
 * `keyOf` names a key in errors the way the user wrote it: `clouds.mycloud.auth.auth_url` for a
 * file, `OS_AUTH_URL` for the environment.
 */
export function normalizeCloud(name: string, entry: Raw, source: string, keyOf: (path: string) => string): ResolvedCloud {
  const auth = (entry.auth ?? {}) as Raw;
  const str = (o: Raw, k: string): string | undefined => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : typeof o[k] === 'number' ? String(o[k]) : undefined);
  const authUrl = str(auth, 'auth_url');
  if (!authUrl) throw new CloudConfigError(source, keyOf('auth.auth_url'), 'missing: the Keystone URL is required (e.g. https://keystone.example:5000/v3)');
  const type = (str(entry, 'auth_type') ?? 'password').replace(/^v3/, '');
  const user: UserRef = {
    userId: str(auth, 'user_id'),
    username: str(auth, 'username'),
    userDomainId: str(auth, 'user_domain_id') ?? str(auth, 'domain_id'),
    userDomainName: str(auth, 'user_domain_name') ?? str(auth, 'domain_name'),
  };
  const scope: ScopeRef = {
    projectId: str(auth, 'project_id') ?? str(auth, 'tenant_id'),
    projectName: str(auth, 'project_name') ?? str(auth, 'tenant_name'),
    projectDomainId: str(auth, 'project_domain_id') ?? str(auth, 'domain_id'),
    projectDomainName: str(auth, 'project_domain_name') ?? str(auth, 'domain_name'),
  };
  const need = (value: string | undefined, key: string, why: string): string => {
    if (value === undefined) throw new CloudConfigError(source, keyOf(`auth.${key}`), `missing: ${why}`);
    return value;
  };
  let cloudAuth: CloudAuth;
  if (type === 'password') {
    if (!user.userId && !user.username) need(undefined, 'username', 'password auth needs username (or user_id)');
    if (user.username && !user.userId && !user.userDomainId && !user.userDomainName) user.userDomainName = 'Default';
    if (scope.projectName && !scope.projectDomainId && !scope.projectDomainName) scope.projectDomainName = 'Default';
    cloudAuth = { method: 'password', password: need(str(auth, 'password'), 'password', 'password auth needs a password (clouds.yaml, secure.yaml or OS_PASSWORD)'), ...user, ...scope };
  } else if (type === 'applicationcredential') {
    const id = str(auth, 'application_credential_id');
    const credName = str(auth, 'application_credential_name');
    if (!id && !credName) need(undefined, 'application_credential_id', 'application credential auth needs its id (or name with a user)');
    const secret = need(str(auth, 'application_credential_secret'), 'application_credential_secret', 'application credential auth needs its secret');
    cloudAuth = { method: 'application-credential', id, name: credName, secret, user: id ? undefined : user };
  } else if (type === 'token') {
    cloudAuth = { method: 'token', token: need(str(auth, 'token'), 'token', 'token auth needs a token'), ...scope };
  } else {
    throw new CloudConfigError(source, keyOf('auth_type'), `"${String(entry.auth_type)}" is not supported (use password, v3applicationcredential or token)`);
  }
  const iface = (str(entry, 'interface') ?? str(entry, 'endpoint_type') ?? 'public').replace(/URL$/, '');
  if (!(INTERFACES as readonly string[]).includes(iface)) throw new CloudConfigError(source, keyOf('interface'), `"${iface}" is not one of ${INTERFACES.join(', ')}`);
  const verify = entry.verify;
  return {
    name,
    source,
    authUrl,
    auth: cloudAuth,
    region: str(entry, 'region_name'),
    interface: iface as Interface,
    tls: { caFile: str(entry, 'cacert'), insecure: verify === false || verify === 'false' || entry.insecure === true || entry.insecure === 'true' },
  };
}
