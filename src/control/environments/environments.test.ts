import { afterEach, describe, expect, it } from 'vitest';
import { envHarness, type EnvHarness } from '../../../test/support/environments.js';

const dev = { name: 'alice', all: false };
let eh: EnvHarness;
afterEach(async () => eh?.h.close());

describe('environments on sim', () => {
  it('creates a 3-role environment, all ready with outputs, and destroy leaves nothing', async () => {
    eh = await envHarness();
    const env = await eh.service.create(dev, { name: 'feature-x', template: 'stack', params: { branch: 'feat/x' } });
    expect(env.roles.map((r) => r.name)).toEqual(['web', 'db', 'worker']);
    await eh.until(async () => (await eh.status(env.id)).status === 'ready');
    const ready = await eh.status(env.id);
    const view = await eh.service.view(ready);
    expect(view.roleStatus.map((r) => [r.name, r.ready])).toEqual([['web', 2], ['db', 1], ['worker', 1]]);
    const web = view.roleStatus[0]!.machines.map((m) => m.id).join(',');
    expect(ready.outputs.url).toBe(`http://${web}/?branch=feat/x`);
    expect(ready.outputs.db).toBe(view.roleStatus[1]!.machines[0]!.id);
    expect(ready.templateVersion).toBe(2);
    expect(eh.live(ready)).toBe(4);

    await eh.service.destroy(dev, env.id);
    await eh.until(async () => (await eh.status(env.id)).status === 'destroyed');
    expect(eh.live(ready)).toBe(0);
    const pools = (await eh.h.store.listPools()).map((p) => p.name);
    expect(pools.filter((p) => p.startsWith('env-'))).toEqual([]);
    expect(await eh.h.store.listMachines()).toEqual([]);
  });

  it('a creation that fails half-way releases every machine it made and says why', async () => {
    eh = await envHarness();
    eh.h.sim.setZoneCapacity('sim-c', 0); // the db role's only zone
    const env = await eh.service.create(dev, { name: 'broken', template: 'stack' });
    // Wait until the other roles have machines, so the failure really is half-way.
    await eh.until(async () => eh.live(env) > 0 || (await eh.status(env.id)).status !== 'creating');
    await eh.until(async () => (await eh.status(env.id)).status === 'failed');
    const failed = await eh.status(env.id);
    expect(failed.reason).toMatch(/^role db: .*InsufficientInstanceCapacity/);
    expect(eh.live(env)).toBe(0);
    expect((await eh.h.store.listPools()).filter((p) => p.name.startsWith('env-'))).toEqual([]);
    const made = eh.h.sim.all().filter((m) => env.roles.some((r) => r.pool === m.tags['flotte:pool']));
    expect(made.length).toBeGreaterThan(0);
    expect(made.every((m) => m.status === 'terminated')).toBe(true);
  });

  it('refuses unknown params and values that fail validation, creating nothing', async () => {
    eh = await envHarness();
    await expect(eh.service.create(dev, { name: 'x', template: 'stack', params: { branch: 'BAD BRANCH', size: '3' } })).rejects.toThrow(/branch="BAD BRANCH" does not match.*no param size/);
    expect(await eh.service.list(dev, { ended: true })).toEqual([]);
    expect((await eh.h.store.listPools()).filter((p) => p.name.startsWith('env-'))).toEqual([]);
  });
});
