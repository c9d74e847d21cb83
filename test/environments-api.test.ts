import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { envHarness, type EnvHarness } from './support/environments.js';
import { testApp, type TestApp } from './support/api.js';

let eh: EnvHarness;
let t: TestApp;
afterEach(async () => {
  await t?.app.close();
  await eh?.h.close();
});

async function setup() {
  eh = await envHarness();
  t = await testApp({ store: eh.h.store, clock: eh.h.clock, parseConfig });
  const alice = (await t.as('developer', 'alice')).headers;
  const bob = (await t.as('developer', 'bob')).headers;
  const ops = (await t.as('operator', 'olga')).headers;
  return { alice, bob, ops };
}

describe('environments API: ownership', () => {
  it('two developers cannot see or touch each other\'s environments; an operator can', async () => {
    const { alice, bob, ops } = await setup();
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/environments', headers: alice, payload: { name: 'mine', template: 'stack', ttl: '2h' } });
    expect(created.statusCode).toBe(201);
    const env = created.json() as { id: string; owner: string; expiresAt: number; createdAt: number };
    expect(env.owner).toBe('alice');
    expect(env.expiresAt - env.createdAt).toBe(2 * 3_600_000);
    const bobs = await t.app.inject({ method: 'POST', url: '/api/v1/environments', headers: bob, payload: { name: 'mine', template: 'stack' } });
    expect(bobs.statusCode).toBe(201);

    const names = async (headers: Record<string, string>, query = '') =>
      ((await t.app.inject({ url: `/api/v1/environments${query}`, headers })).json() as { items: { owner: string }[] }).items.map((e) => e.owner).sort();
    expect(await names(alice)).toEqual(['alice']);
    expect(await names(bob)).toEqual(['bob']);
    expect(await names(ops, '?all=true')).toEqual(['alice', 'bob']);
    expect((await t.app.inject({ url: '/api/v1/environments?all=true', headers: bob })).statusCode).toBe(403);

    // Another owner's environment does not exist, as far as bob can tell.
    expect((await t.app.inject({ url: `/api/v1/environments/${env.id}`, headers: bob })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/environments/${env.id}`, headers: bob })).statusCode).toBe(404);
    expect((await eh.status(env.id)).status).toBe('creating');

    expect((await t.app.inject({ url: `/api/v1/environments/${env.id}`, headers: ops })).statusCode).toBe(200);
    const destroyed = await t.app.inject({ method: 'DELETE', url: `/api/v1/environments/${env.id}`, headers: ops });
    expect(destroyed.statusCode).toBe(202);
    expect(destroyed.json()).toMatchObject({ status: 'destroying', reason: 'destroyed by olga' });
  });

  it('shows progress per role, and refuses a second environment of the same name', async () => {
    const { alice } = await setup();
    const env = (await t.app.inject({ method: 'POST', url: '/api/v1/environments', headers: alice, payload: { name: 'one', template: 'stack' } })).json() as { id: string };
    await eh.until(async () => (await eh.status(env.id)).status === 'ready');
    const shown = (await t.app.inject({ url: `/api/v1/environments/${env.id}`, headers: alice })).json() as { status: string; roleStatus: { name: string; ready: number; count: number }[]; outputs: Record<string, string> };
    expect(shown.status).toBe('ready');
    expect(shown.roleStatus.map((r) => `${r.name} ${r.ready}/${r.count}`)).toEqual(['web 2/2', 'db 1/1', 'worker 1/1']);
    expect(shown.outputs.url).toMatch(/^http:\/\/.+\/\?branch=main$/);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/environments', headers: alice, payload: { name: 'one', template: 'stack' } });
    expect(again.statusCode).toBe(409);
  });
});
