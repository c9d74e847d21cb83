import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { demoConfigYaml } from '../../config/demo.js';
import { parseConfig } from '../../config/load.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { bearer, testApp, type TestApp } from '../../../test/support/api.js';
import { startSession } from './sessions.js';

const HOUR = 3_600_000;
const ALICE = { subject: 'alice', issuer: 'https://login.example.com', name: 'alice@example.com', role: 'operator' as const, groups: ['ops'] };

let store: Store;
let clock: VirtualClock;
let t: TestApp;
beforeEach(async () => {
  store = await openStore(':memory:');
  clock = new VirtualClock();
  const parsed = parseConfig(demoConfigYaml(), 'demo');
  if (!parsed.ok) throw new Error('demo config must parse');
  await store.applyConfig(parsed.applied, clock.now());
  t = await testApp({ store, clock, parseConfig });
});
afterEach(async () => {
  await t.app.close();
  await store.close();
});

const cookie = (secret: string, extra: Record<string, string> = {}) => ({ cookie: `other=1; flotte_session=${secret}`, ...extra });
const scale = (headers: Record<string, string>, desired = 3) => t.app.inject({ method: 'PUT', url: '/api/v1/pools/analysis/desired', headers: { host: 'flotte.example.com', ...headers }, payload: { desired } });

describe('sign-in sessions at the API', () => {
  it('a session is the person’s role until it expires, then a 401 that says so', async () => {
    const { secret } = await startSession(store, ALICE, 'dashboard', clock.now(), 12 * HOUR);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: cookie(secret) });
    expect(me.json()).toMatchObject({ name: 'alice@example.com', role: 'operator' });
    await clock.advance(12 * HOUR - 1);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: cookie(secret) })).statusCode).toBe(200);
    await clock.advance(1);
    const expired = await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: cookie(secret) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toMatch(/^the sign-in of alice@example\.com expired at .*: sign in again$/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: bearer(secret) })).statusCode).toBe(401);
  });

  it('the CLI’s session is a bearer secret, audited under the person’s name; tokens work beside it unchanged', async () => {
    const { secret, session } = await startSession(store, ALICE, 'cli', clock.now(), HOUR);
    expect((await scale(bearer(secret))).statusCode).toBe(200);
    expect((await scale(t.headers, 4)).statusCode).toBe(200);
    const records = (await store.listAudit()).filter((r) => r.action === 'PUT /api/v1/pools/:name/desired');
    expect(records.map((r) => [r.actor, r.tokenId, r.role])).toEqual([
      ['alice@example.com', session.id, 'operator'],
      ['test-admin', expect.stringMatching(/^tok-/), 'admin'],
    ]);
  });

  it('a change made with the cookie needs the dashboard’s header, and a foreign Origin is refused', async () => {
    const { secret } = await startSession(store, ALICE, 'dashboard', clock.now(), HOUR);
    const bare = await scale(cookie(secret));
    expect(bare.statusCode).toBe(403);
    expect(bare.json().error.message).toMatch(/x-flotte-request header/);
    const foreign = await scale(cookie(secret, { 'x-flotte-request': '1', origin: 'https://evil.example.com' }));
    expect(foreign.statusCode).toBe(403);
    expect((await scale(cookie(secret, { 'x-flotte-request': '1', origin: 'https://flotte.example.com' }))).statusCode).toBe(200);
    expect((await store.getPool('analysis'))?.desired).toBe(3);
  });

  it('a cookie that is not a session, or a session logged out, is refused', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: cookie(t.headers.authorization!.slice(7)) })).statusCode).toBe(401);
    const { secret } = await startSession(store, ALICE, 'dashboard', clock.now(), HOUR);
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: cookie(secret, { 'x-flotte-request': '1' }) });
    expect(out.json()).toEqual({ loggedOut: true });
    expect(String(out.headers['set-cookie'])).toMatch(/^flotte_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax/);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: cookie(secret) });
    expect(after.statusCode).toBe(401);
    expect((await store.listAudit()).map((r) => [r.action, r.actor])).toContainEqual(['auth sign-out', 'alice@example.com']);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(secret) })).json()).toEqual({ loggedOut: false });
  });

  it('without auth.oidc, the dashboard offers no sign-in and the sign-in routes say how to set one up', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/config' })).json()).toEqual({ oidc: false });
    const login = await t.app.inject({ method: 'GET', url: '/api/auth/login' });
    expect(login.statusCode).toBe(404);
    expect(login.json().error.message).toMatch(/add auth\.oidc to flotte\.yaml/);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/device' })).statusCode).toBe(404);
  });
});
