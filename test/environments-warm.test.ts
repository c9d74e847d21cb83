import { afterEach, describe, expect, it } from 'vitest';
import { WARM_OWNER } from '../src/domain/environments/types.js';
import { envHarness, type EnvHarness } from './support/environments.js';

let eh: EnvHarness;
afterEach(async () => eh?.h.close());

// Adds `warm: 1` to the stack template of the shared test config.
const withWarm = async () => {
  eh = await envHarness();
  const cfg = (await eh.h.store.currentConfig())!;
  await eh.h.store.applyConfig({ ...cfg, source: cfg.source.replace('      version: 2\n', '      version: 2\n      warm: 1\n') }, eh.h.clock.now());
};

const warmReady = async () => (await eh.service.repo.list({ owner: WARM_OWNER, statuses: ['ready'] })).length;

describe('warm pool', () => {
  it('hands a ready environment out at once and refills the pool', async () => {
    await withWarm();
    await eh.until(async () => (await warmReady()) === 1);
    const warmId = (await eh.service.repo.list({ owner: WARM_OWNER }))[0]!.id;

    const env = await eh.service.create({ name: 'alice', all: false }, { name: 'fast', template: 'stack' });
    expect(env).toMatchObject({ id: warmId, owner: 'alice', name: 'fast', status: 'ready' });
    expect(env.outputs.url).toMatch(/^http:\/\/.+\/\?branch=main$/);
    expect(await warmReady()).toBe(0);

    // Refilled in the background: a new warm one, different machines.
    await eh.until(async () => (await warmReady()) === 1);
    const refill = (await eh.service.repo.list({ owner: WARM_OWNER, statuses: ['ready'] }))[0]!;
    expect(refill.id).not.toBe(warmId);

    // Non-default params cannot use a warm environment: made fresh.
    const custom = await eh.service.create({ name: 'alice', all: false }, { name: 'custom', template: 'stack', params: { branch: 'other' } });
    expect(custom.status).toBe('creating');
    expect(await warmReady()).toBe(1);
  });
});
