import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { primaryAddress } from '../src/domain/addresses.js';
import { appliedConfig, simTemplate } from './support/builders.js';
import { ENV_YAML, envHarness, type EnvHarness } from './support/environments.js';
import { testApp, type TestApp } from './support/api.js';

let eh: EnvHarness;
let t: TestApp;
afterEach(async () => {
  await t?.app.close();
  await eh?.h.close();
});

// The stack of support/environments.ts, with outputs made of the machines' addresses.
const YAML = ENV_YAML.replace('db: "{{roles.db.machines}}"', 'db: "postgres://{{roles.db.address}}:5432/app"\n        web: "{{roles.web.addresses}}"');

async function setup() {
  eh = await envHarness('', YAML);
  // The db role's image is not Ubuntu: its fleet template names its own login.
  await eh.h.store.applyConfig(
    appliedConfig({
      source: YAML,
      templates: [simTemplate({ sizes: ['m5.large'], zones: ['sim-a', 'sim-b'] }), simTemplate({ name: 'dbbox', image: 'img-db', sizes: ['r5.large'], zones: ['sim-c'], sshUser: 'ec2-user' })],
    }),
    eh.h.clock.now(),
  );
  t = await testApp({ store: eh.h.store, clock: eh.h.clock, parseConfig });
  return (await t.as('developer', 'alice')).headers;
}

describe('environment connect and address outputs (sim, real controller)', () => {
  it('says why there is no way in yet, then gives ssh with the template user and the recorded address; outputs carry the addresses', async () => {
    const alice = await setup();
    const env = (await t.app.inject({ method: 'POST', url: '/api/v1/environments', headers: alice, payload: { name: 'one', template: 'stack' } })).json() as { id: string };
    const connect = (query = '') => t.app.inject({ url: `/api/v1/environments/${env.id}/connect${query}`, headers: alice });

    const early = await connect();
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toBe(`role web of environment one (${env.id}, creating) has no ready machine yet (follow it: flotte env show ${env.id})`);
    const unknownRole = await connect('?role=cache');
    expect(unknownRole.statusCode).toBe(404);
    expect(unknownRole.json().error.message).toBe(`environment one (${env.id}) has no role "cache" (its roles: web, db, worker)`);
    expect((await t.app.inject({ url: '/api/v1/environments/env-nope/connect', headers: alice })).statusCode).toBe(404);
    // Another developer's environment does not exist for bob.
    const bob = (await t.as('developer', 'bob')).headers;
    expect((await t.app.inject({ url: `/api/v1/environments/${env.id}/connect`, headers: bob })).statusCode).toBe(404);

    await eh.until(async () => (await eh.status(env.id)).status === 'ready');
    const [web, db] = await Promise.all(['web', 'db'].map(async (role) => (await eh.h.store.listMachines({ pool: (await eh.status(env.id)).roles.find((r) => r.name === role)!.pool })).filter((m) => m.state === 'ready')));
    const first = web![0]!;
    const firstAddress = primaryAddress(first.addresses)!;
    expect(firstAddress).toMatch(/^10\.\d+\.\d+\.\d+$/);

    expect((await connect()).json()).toEqual({ env: env.id, role: 'web', machine: first.id, address: firstAddress, command: `ssh ubuntu@${firstAddress}` });
    const dbAddress = primaryAddress(db![0]!.addresses)!;
    expect((await connect('?role=db')).json()).toMatchObject({ role: 'db', machine: db![0]!.id, command: `ssh ec2-user@${dbAddress}` });

    const shown = (await t.app.inject({ url: `/api/v1/environments/${env.id}`, headers: alice })).json() as { roleStatus: { name: string; machines: { id: string; address?: string }[] }[] };
    expect(shown.roleStatus.find((r) => r.name === 'db')!.machines).toEqual([{ id: db![0]!.id, state: 'ready', address: dbAddress }]);

    const { outputs } = await eh.status(env.id);
    expect(outputs.db).toBe(`postgres://${dbAddress}:5432/app`);
    expect(outputs.web).toBe(web!.map((m) => primaryAddress(m.addresses)).join(','));
  });
});
