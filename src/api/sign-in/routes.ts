import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import type { Clock } from '../../clock/clock.js';
import { appliedOidc } from '../../config/applied.js';
import { decideSignIn, type OidcSettings, type SignInRefusal } from '../../domain/sign-in.js';
import type { Store } from '../../store/store.js';
import { DevicePollSchema, type DeviceStart, type DeviceToken, type Logout, type SignInConfig } from '../contract/sign-in.js';
import { ApiError } from '../errors.js';
import { hashSecret } from '../tokens.js';
import { cookieOf, isHttps, PENDING_COOKIE, SESSION_COOKIE, setCookie } from './cookies.js';
import { claimsOf, providerOf } from './oidc-client.js';
import { refuseCrossSite } from './session-auth.js';
import { auditSession, SESSION_PREFIX, startSession } from './sessions.js';

/** How long a person may take at the provider's pages before the dashboard's sign-in is void. */
const PENDING_TTL_S = 600;
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const PUBLIC = { permission: 'public' };

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
}

function refusal(r: SignInRefusal): ApiError {
  if (r.reason === 'NoSubject') return new ApiError('unauthorized', 'the provider named no subject (sub) for this person');
  return new ApiError('forbidden', `none of your groups (${r.groups.join(', ') || 'none sent'}) is given a role in auth.oidc.roles: ask an admin to map one`, [], { reason: 'NoMappedGroup' });
}

/** The address the provider sends the browser back to; registered at the provider as the client's redirect URI. */
function callbackUrl(request: FastifyRequest, settings: OidcSettings): URL {
  const base = settings.publicUrl ?? `${request.protocol}://${request.host}`;
  return new URL('/api/auth/callback', base);
}

/** A failed dashboard sign-in: a page the person can read, with the way back. */
function failurePage(reply: FastifyReply, status: number, message: string): FastifyReply {
  const text = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return reply.code(status).type('text/html; charset=utf-8').send(`<!doctype html><title>flotte: sign-in failed</title><p>Sign-in failed: ${text}</p><p><a href="/">Back to flotte</a></p>`);
}

/**
 * Sign-in through an OpenID provider (docs/sign-in.md): the dashboard's authorization code flow
 * with PKCE, state and nonce (login → provider → callback → session cookie), the device flow
 * `flotte login` drives (the API talks to the provider, so the CLI needs no provider settings),
 * and logout. These routes are outside the OpenAPI document: they are browser redirects and the
 * CLI's handshake, not resources. The settings are read from the applied flotte.yaml per call.
 */
export function signInRoutes(app: FastifyInstance, deps: { store: Store; clock: Clock }): void {
  const { store, clock } = deps;
  const settingsOrNone = async () => appliedOidc(await store.currentConfig());
  const settings = async (): Promise<OidcSettings> => {
    const s = await settingsOrNone();
    if (!s) throw new ApiError('not_found', 'sign-in is not set up here: add auth.oidc to flotte.yaml (docs/sign-in.md), or use an API token');
    return s;
  };

  app.get('/api/auth/config', { config: PUBLIC }, async (): Promise<SignInConfig> => ((await settingsOrNone()) ? { oidc: true, loginUrl: '/api/auth/login' } : { oidc: false }));

  app.get('/api/auth/login', { config: PUBLIC }, async (request, reply) => {
    const s = await settings();
    const provider = await providerOf(s);
    const pending: Pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(provider, {
      redirect_uri: callbackUrl(request, s).href,
      scope: s.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    setCookie(reply, PENDING_COOKIE, JSON.stringify(pending), { maxAgeS: PENDING_TTL_S, path: '/api/auth', secure: isHttps(request, s.publicUrl) });
    return reply.redirect(url.href, 302);
  });

  app.get('/api/auth/callback', { config: PUBLIC }, async (request, reply) => {
    const s = await settings();
    const secure = isHttps(request, s.publicUrl);
    let pending: Pending;
    try {
      pending = JSON.parse(cookieOf(request, PENDING_COOKIE) ?? '') as Pending;
    } catch {
      return failurePage(reply, 400, 'this sign-in was not started from this browser, or took longer than 10 minutes: start again');
    }
    setCookie(reply, PENDING_COOKIE, '', { maxAgeS: 0, path: '/api/auth', secure });
    const provider = await providerOf(s);
    const current = new URL(request.url, callbackUrl(request, s));
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(provider, current, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
      claims = await claimsOf(provider, tokens, s.groupsClaim);
    } catch (e) {
      request.log.warn({ err: e }, 'sign-in refused at the callback');
      return failurePage(reply, 401, `the provider's answer was not accepted (${(e as Error).message})`);
    }
    const decided = decideSignIn(claims, s);
    if (!decided.ok) {
      const err = refusal(decided.refusal);
      return failurePage(reply, err.status, err.message);
    }
    const { session, secret } = await startSession(store, { ...decided, issuer: s.issuer }, 'dashboard', clock.now(), s.sessionTtlMs);
    await auditSession(store, session, 'sign-in', clock.now(), request.ip);
    setCookie(reply, SESSION_COOKIE, secret, { maxAgeS: s.sessionTtlMs / 1000, path: '/', secure });
    return reply.redirect('/', 302);
  });

  app.post('/api/auth/logout', { config: PUBLIC }, async (request, reply): Promise<Logout> => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const cookie = cookieOf(request, SESSION_COOKIE);
    if (bearer === undefined && cookie !== undefined) refuseCrossSite(request);
    const secret = bearer ?? cookie;
    if (cookie !== undefined) setCookie(reply, SESSION_COOKIE, '', { maxAgeS: 0, path: '/', secure: request.protocol === 'https' });
    if (!secret?.startsWith(SESSION_PREFIX)) return { loggedOut: false };
    const hash = hashSecret(secret);
    const session = await store.sessions.findSessionByHash(hash);
    const deleted = await store.sessions.deleteSessionByHash(hash);
    if (session && deleted) await auditSession(store, session, 'sign-out', clock.now(), request.ip);
    return { loggedOut: deleted };
  });

  app.post('/api/auth/device', { config: PUBLIC }, async (): Promise<DeviceStart> => {
    const s = await settings();
    const provider = await providerOf(s);
    if (!provider.serverMetadata().device_authorization_endpoint) throw new ApiError('unavailable', `the provider ${s.issuer} offers no device sign-in (RFC 8628): sign in on the dashboard, or use an API token`);
    const d = await oidc.initiateDeviceAuthorization(provider, { scope: s.scopes.join(' ') });
    return {
      deviceCode: d.device_code,
      userCode: d.user_code,
      verificationUri: d.verification_uri,
      ...(d.verification_uri_complete ? { verificationUriComplete: d.verification_uri_complete } : {}),
      expiresIn: d.expires_in,
      interval: d.interval ?? 5,
    };
  });

  app.post('/api/auth/device/token', { config: PUBLIC }, async (request): Promise<DeviceToken> => {
    const body = DevicePollSchema.safeParse(request.body);
    if (!body.success) throw new ApiError('invalid_request', 'body.deviceCode: the device code `POST /api/auth/device` answered is required', [{ field: 'body.deviceCode', message: 'required' }]);
    const s = await settings();
    const provider = await providerOf(s);
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.genericGrantRequest(provider, DEVICE_GRANT, { device_code: body.data.deviceCode });
      claims = await claimsOf(provider, tokens, s.groupsClaim);
    } catch (e) {
      const code = e instanceof oidc.ResponseBodyError ? e.error : undefined;
      if (code === 'authorization_pending' || code === 'slow_down') return { status: code === 'slow_down' ? 'slow_down' : 'pending' };
      if (code === 'access_denied') throw new ApiError('unauthorized', 'the sign-in was declined at the provider');
      if (code === 'expired_token') throw new ApiError('unauthorized', 'the code expired before it was confirmed: run `flotte login` again');
      if (e instanceof ApiError) throw e;
      throw new ApiError('unauthorized', `the provider did not grant the sign-in (${(e as Error).message})`);
    }
    const decided = decideSignIn(claims, s);
    if (!decided.ok) throw refusal(decided.refusal);
    const { session, secret } = await startSession(store, { ...decided, issuer: s.issuer }, 'cli', clock.now(), s.sessionTtlMs);
    await auditSession(store, session, 'sign-in', clock.now(), request.ip);
    return { status: 'done', secret, name: session.name, role: session.role, expiresAt: new Date(session.expiresAt).toISOString() };
  });
}
