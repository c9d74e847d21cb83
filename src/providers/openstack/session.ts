import type { Clock } from '../../clock/clock.js';
import { ProviderError } from '../provider.js';
import type { CloudAuth, ResolvedCloud } from './cloud-auth.js';
import type { HttpRequest, HttpResponse, HttpSend } from './http.js';
import { findEndpoint, type IssuedToken, type KeystoneApi } from './keystone.js';

/** A token is replaced this long before Keystone says it expires (or at half its life, if shorter). */
export const TOKEN_RENEW_BEFORE_MS = 5 * 60_000;

/**
 * The authenticated session every OpenStack port sends through: one cached token, renewed
 * before it expires, re-acquired once when a service answers 401 (revoked, or rotated
 * fernet keys), and the catalog that comes with it.
 */
export class Session {
  private current: (IssuedToken & { renewAt: number }) | undefined;
  private pending: Promise<IssuedToken & { renewAt: number }> | undefined;
  /** Tokens issued so far: a renewal or re-authentication shows here. */
  issued = 0;

  constructor(
    private readonly keystone: KeystoneApi,
    private readonly cloud: Pick<ResolvedCloud, 'auth' | 'interface' | 'region'>,
    private readonly http: HttpSend,
    private readonly clock: Clock,
  ) {}

  /** The token to send now, fetching a fresh one when there is none or it is due for renewal. */
  async token(signal?: AbortSignal): Promise<IssuedToken> {
    if (this.current && this.clock.now() < this.current.renewAt) return this.current;
    // One authentication at a time: twenty concurrent calls must not issue twenty tokens.
    this.pending ??= this.authenticate(signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** The endpoint of a service type, by the cloud's interface and region. */
  async endpoint(type: string, signal?: AbortSignal): Promise<string> {
    const { catalog } = await this.token(signal);
    const url = findEndpoint(catalog, type, this.cloud.interface, this.cloud.region);
    if (!url) {
      const where = `${this.cloud.interface} interface${this.cloud.region ? ` in region ${this.cloud.region}` : ''}`;
      throw new ProviderError('invalid', `the service catalog has no ${type} endpoint on the ${where}`, { code: 'EndpointNotFound' });
    }
    return url;
  }

  /** Sends with X-Auth-Token; on a 401 drops that token, authenticates again and retries once. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const first = await this.token(req.signal);
    const res = await this.http({ ...req, headers: { ...req.headers, 'x-auth-token': first.token } });
    if (res.status !== 401) return res;
    if (this.current?.token === first.token) this.current = undefined;
    const again = await this.token(req.signal);
    return this.http({ ...req, headers: { ...req.headers, 'x-auth-token': again.token } });
  }

  /** The strings that must never appear in a message: passwords, secrets, tokens. */
  secrets(): string[] {
    const a: CloudAuth = this.cloud.auth;
    const out = a.method === 'password' ? [a.password] : a.method === 'token' ? [a.token] : [a.secret];
    if (this.current) out.push(this.current.token);
    return out;
  }

  /** Project the token is scoped to (quota lookups and tests). */
  get projectId(): string | undefined {
    return this.current?.projectId;
  }

  /** The token in use, if any; for diagnostics and tests that revoke it. */
  peekToken(): string | undefined {
    return this.current?.token;
  }

  private async authenticate(signal?: AbortSignal): Promise<IssuedToken & { renewAt: number }> {
    const issued = await this.keystone.issueToken(this.cloud.auth, signal);
    const now = this.clock.now();
    const life = issued.expiresAt - now;
    const renewAt = issued.expiresAt - Math.min(TOKEN_RENEW_BEFORE_MS, Math.max(0, life / 2));
    this.issued++;
    this.current = { ...issued, renewAt };
    return this.current;
  }
}
