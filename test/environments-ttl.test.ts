import { afterEach, describe, expect, it } from 'vitest';
import { ENV_EXPIRY_WARNING_MS } from '../src/control/environments/constants.js';
import { envHarness, type EnvHarness } from './support/environments.js';

const dev = { name: 'alice', all: false };
const H = 3_600_000;
let eh: EnvHarness;
afterEach(async () => eh?.h.close());

const envEvents = async (id: string) => (await eh.h.store.listEvents({ pool: `env:${id}` })).map((e) => ({ reason: e.reason, at: e.at }));

describe('TTL reaper (virtual clock)', () => {
  it('warns a set time before the TTL ends, then destroys on time and releases every machine', async () => {
    eh = await envHarness();
    const env = await eh.service.create(dev, { name: 'short', template: 'stack', ttlMs: 2 * H });
    await eh.until(async () => (await eh.status(env.id)).status === 'ready');
    const warnAt = env.expiresAt - ENV_EXPIRY_WARNING_MS;

    // Just before the warning time: nothing yet.
    await eh.h.clock.advance(warnAt - 1_000 - eh.h.clock.now());
    await eh.reconciler.tick();
    expect((await envEvents(env.id)).map((e) => e.reason)).not.toContain('EnvExpiring');

    await eh.h.clock.advance(2_000);
    await eh.reconciler.tick();
    await eh.reconciler.tick(); // warned once only
    const warnings = (await envEvents(env.id)).filter((e) => e.reason === 'EnvExpiring');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.at).toBeGreaterThanOrEqual(warnAt);
    expect((await eh.status(env.id)).status).toBe('ready');

    await eh.h.clock.advance(env.expiresAt - 1_000 - eh.h.clock.now());
    await eh.reconciler.tick();
    expect((await eh.status(env.id)).status).toBe('ready');
    await eh.h.clock.advance(1_000);
    await eh.reconciler.tick();
    const expired = await eh.status(env.id);
    expect(expired.status).toBe('destroying');
    expect(expired.reason).toMatch(/^expired: its TTL ended at /);
    expect((await envEvents(env.id)).find((e) => e.reason === 'EnvExpired')!.at).toBe(env.expiresAt);

    await eh.until(async () => (await eh.status(env.id)).status === 'destroyed');
    expect(eh.live(env)).toBe(0);
  });

  it('extend pushes the expiry back and re-arms the warning, within the template\'s maxTtl', async () => {
    eh = await envHarness();
    const env = await eh.service.create(dev, { name: 'long', template: 'stack', ttlMs: 1 * H });
    await eh.until(async () => (await eh.status(env.id)).status === 'ready');
    await eh.h.clock.advance(env.expiresAt - ENV_EXPIRY_WARNING_MS - eh.h.clock.now());
    await eh.reconciler.tick();
    expect((await eh.status(env.id)).warnedAt).toBeDefined();

    const extended = await eh.service.extend(dev, env.id, 4 * H);
    expect(extended.expiresAt).toBe(env.expiresAt + 4 * H);
    expect((await eh.status(env.id)).warnedAt).toBeUndefined();
    await eh.h.clock.advance(env.expiresAt + 1_000 - eh.h.clock.now()); // past the old expiry
    await eh.reconciler.tick();
    expect((await eh.status(env.id)).status).toBe('ready');

    // The default maxTtl is 7 days from creation.
    await expect(eh.service.extend(dev, env.id, 7 * 24 * H)).rejects.toThrow(/lets an environment live 7d at most; long may be extended by 6d19h more/);
    await expect(eh.service.extend({ name: 'bob', all: false }, env.id, H)).rejects.toThrow(/does not exist/);
  });
});
