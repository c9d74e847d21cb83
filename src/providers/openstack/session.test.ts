import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { ProviderError } from '../provider.js';
import type { HttpRequest, HttpResponse } from './http.js';
import type { CatalogService, KeystoneApi } from './keystone.js';
import { findEndpoint, tokenRequest } from './keystone.js';
import { Session, TOKEN_RENEW_BEFORE_MS } from './session.js';

const CATALOG: CatalogService[] = [
  {
    type: 'compute',
    endpoints: [
      { interface: 'public', region_id: 'RegionOne', url: 'http://pub-one:8774/v2.1' },
      { interface: 'internal', region_id: 'RegionOne', url: 'http://int-one:8774/v2.1' },
      { interface: 'public', region_id: 'RegionTwo', url: 'http://pub-two:8774/v2.1' },
    ],
  },
];

/** A Keystone that issues numbered tokens of a fixed lifetime, and a service that accepts only unrevoked ones. */
function world(lifetimeMs = 60 * 60_000) {
  const clock = new VirtualClock();
  const revoked = new Set<string>();
  let n = 0;
  const keystone: KeystoneApi = {
    async issueToken() {
      await clock.sleep(0);
      return { token: `tok-${++n}`, expiresAt: clock.now() + lifetimeMs, catalog: CATALOG, projectId: 'p1' };
    },
  };
  const seen: string[] = [];
  const http = async (req: HttpRequest): Promise<HttpResponse> => {
    const token = req.headers?.['x-auth-token'] ?? '';
    seen.push(token);
    return { status: revoked.has(token) ? 401 : 200, headers: new Headers(), body: {} };
  };
  const session = new Session(keystone, { auth: { method: 'password', username: 'u', password: 'pw-secret' }, interface: 'public', region: 'RegionOne' }, http, clock);
  const send = async () => {
    const p = session.send({ method: 'GET', url: 'http://nova/servers' });
    await clock.advance(0);
    return p;
  };
  return { clock, revoked, session, seen, send };
}

describe('Keystone session', () => {
  it('caches the token and renews it before it expires', async () => {
    const w = world();
    await w.send();
    await w.send();
    expect(w.session.issued).toBe(1);
    await w.clock.advance(60 * 60_000 - TOKEN_RENEW_BEFORE_MS - 1);
    await w.send();
    expect(w.session.issued).toBe(1);
    await w.clock.advance(2);
    await w.send();
    expect(w.session.issued).toBe(2);
    expect(w.seen).toEqual(['tok-1', 'tok-1', 'tok-1', 'tok-2']);
  });

  it('renews a short-lived token at half its life', async () => {
    const w = world(4 * 60_000);
    await w.send();
    await w.clock.advance(2 * 60_000);
    await w.send();
    expect(w.session.issued).toBe(2);
  });

  it('re-authenticates once on a 401 and retries the request', async () => {
    const w = world();
    await w.send();
    w.revoked.add('tok-1');
    const res = await w.send();
    expect(res.status).toBe(200);
    expect(w.seen).toEqual(['tok-1', 'tok-1', 'tok-2']);
  });

  it('gives up after one re-authentication: the caller sees the 401', async () => {
    const w = world();
    w.revoked.add('tok-1');
    w.revoked.add('tok-2');
    expect((await w.send()).status).toBe(401);
    expect(w.session.issued).toBe(2);
  });

  it('issues one token for many concurrent first calls', async () => {
    const w = world();
    const all = Promise.all(Array.from({ length: 20 }, () => w.session.send({ method: 'GET', url: 'http://nova/' })));
    await w.clock.advance(0);
    await all;
    expect(w.session.issued).toBe(1);
  });

  it('lists its password among the secrets to scrub', async () => {
    const w = world();
    await w.send();
    expect(w.session.secrets()).toEqual(['pw-secret', 'tok-1']);
  });

  it('picks catalog endpoints by interface and region, and names what is missing', async () => {
    expect(findEndpoint(CATALOG, 'compute', 'internal', 'RegionOne')).toBe('http://int-one:8774/v2.1');
    expect(findEndpoint(CATALOG, 'compute', 'public', 'RegionTwo')).toBe('http://pub-two:8774/v2.1');
    expect(findEndpoint(CATALOG, 'compute', 'admin', 'RegionOne')).toBeUndefined();
    const w = world();
    const p = w.session.endpoint('image').catch((e: unknown) => e);
    await w.clock.advance(0);
    const e = await p;
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as Error).message).toMatch(/no image endpoint on the public interface in region RegionOne/);
  });
});

describe('Keystone v3 token requests', () => {
  it('password, scoped to a project by name', () => {
    expect(tokenRequest({ method: 'password', username: 'demo', userDomainName: 'Default', password: 'x', projectName: 'demo', projectDomainName: 'Default' })).toEqual({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'x' } } },
        scope: { project: { name: 'demo', domain: { name: 'Default' } } },
      },
    });
  });
  it('application credential by id, unscoped (the credential carries its project)', () => {
    expect(tokenRequest({ method: 'application-credential', id: 'ac', secret: 's' })).toEqual({
      auth: { identity: { methods: ['application_credential'], application_credential: { id: 'ac', secret: 's' } } },
    });
  });
  it('token, rescoped by project id', () => {
    expect(tokenRequest({ method: 'token', token: 't', projectId: 'p' })).toEqual({
      auth: { identity: { methods: ['token'], token: { id: 't' } }, scope: { project: { id: 'p' } } },
    });
  });
});
