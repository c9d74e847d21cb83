import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { envHarness, type EnvHarness } from './support/environments.js';
import { testApp, type TestApp } from './support/api.js';

// The stack: web 2 × m5.large, db 1 × r5.large, worker 1 × m5.large = 2·2 + 4 + 2 = 10 vCPUs, 48 GB.
const QUOTAS = `
  sizes:
    m5.large: { vcpus: 2, memoryGb: 8 }
    r5.large: { vcpus: 4, memoryGb: 24 }
  quotas:
    user: { vcpus: 10 }
    users:
      carol: { environments: 5, memoryGb: 100 }
    teams:
      pay: { members: [carol, dave], environments: 1 }
`;

let eh: EnvHarness;
let t: TestApp;
afterEach(async () => {
  await t?.app.close();
  await eh?.h.close();
});

const envPools = async () => (await eh.h.store.listPools()).filter((p) => p.name.startsWith('env-')).length;

describe('environment quotas', () => {
  it("refuses the request that would exceed a user's vCPU cap, naming the cap and the usage, and creates nothing", async () => {
    eh = await envHarness(QUOTAS);
    t = await testApp({ store: eh.h.store, clock: eh.h.clock, parseConfig });
    const alice = (await t.as('developer', 'alice')).headers;
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/environments', headers: alice, payload: { name: 'a', template: 'stack' } });
    expect(first.statusCode).toBe(201); // exactly at the cap
    const machinesBefore = (await eh.h.store.listMachines()).length;
    const eventsBefore = (await eh.h.store.listEvents()).length;

    const second = await t.app.inject({ method: 'POST', url: '/api/v1/environments', headers: alice, payload: { name: 'b', template: 'stack' } });
    expect(second.statusCode).toBe(409);
    const body = second.json() as { error: { message: string; quota: { cap: string; limit: number; usage: number } } };
    expect(body.error.message).toBe('over quota: user alice may use 10 vcpus, uses 10 and this environment needs 10');
    expect(body.error.quota).toMatchObject({ cap: 'vcpus', limit: 10, usage: 10 });
    expect(await eh.service.list({ name: 'alice', all: false }, { ended: true })).toHaveLength(1);
    expect(await envPools()).toBe(3);
    expect((await eh.h.store.listMachines()).length).toBe(machinesBefore);
    expect((await eh.h.store.listEvents()).length).toBe(eventsBefore);
    expect(eh.h.sim.all()).toHaveLength(0); // nothing ticked: the refusal made no provider call either
  });

  it('a team cap counts every member; a destroyed environment frees its share', async () => {
    eh = await envHarness(QUOTAS);
    t = await testApp({ store: eh.h.store, clock: eh.h.clock, parseConfig });
    const carol = (await t.as('developer', 'carol')).headers;
    const dave = (await t.as('developer', 'dave')).headers;
    const made = (await t.app.inject({ method: 'POST', url: '/api/v1/environments', headers: carol, payload: { name: 'c', template: 'stack' } })).json() as { id: string };
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/environments', headers: dave, payload: { name: 'd', template: 'stack' } });
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as { error: { message: string } }).error.message).toBe('over quota: team pay may use 1 environments, uses 1 and this environment needs 1');

    await t.app.inject({ method: 'DELETE', url: `/api/v1/environments/${made.id}`, headers: carol });
    await eh.until(async () => (await eh.status(made.id)).status === 'destroyed');
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/environments', headers: dave, payload: { name: 'd', template: 'stack' } });
    expect(again.statusCode).toBe(201);
  });

  it('requests arriving together through the API: one is admitted within the team cap, the others are refused with 409', async () => {
    eh = await envHarness(QUOTAS);
    t = await testApp({ store: eh.h.store, clock: eh.h.clock, parseConfig });
    const carol = (await t.as('developer', 'carol')).headers;
    const dave = (await t.as('developer', 'dave')).headers;
    // Team pay may hold one environment; four requests of its members arrive together.
    const answers = await Promise.all(
      [carol, dave, carol, dave].map((headers, i) => t.app.inject({ method: 'POST', url: '/api/v1/environments', headers, payload: { name: `rush-${i}`, template: 'stack' } })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409]);
    const live = await eh.service.list({ name: 'admin', all: true }, { everyone: true, ended: true });
    expect(live).toHaveLength(1);
    expect(await envPools()).toBe(3);
  });

  it('creates of one person at the same instant stay within their cap (campaign seed 1, env-rush)', async () => {
    eh = await envHarness(QUOTAS);
    const carol = { name: 'carol', all: false };
    const dave = { name: 'dave', all: false };
    const outcomes = await Promise.allSettled([carol, dave, carol].map((who, i) => eh.service.create(who, { name: `rush-${i}`, template: 'stack' })));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected', 'rejected']);
    for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as Error).message).toBe('over quota: team pay may use 1 environments, uses 1 and this environment needs 1');
    expect(await eh.service.list({ name: 'admin', all: true }, { everyone: true, ended: true })).toHaveLength(1);
    expect(await envPools()).toBe(3);
  });
});
