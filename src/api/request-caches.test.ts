import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/process.js';
import { FIXTURE_YAML } from '../../test/support/route-examples.js';
import { bearer } from '../../test/support/api.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';
import { Deadlines } from './deadline.js';
import { ApiError } from './errors.js';
import { issueToken } from './tokens.js';

async function seeded(file: string, clock: VirtualClock): Promise<Store> {
  const store = await openStore(file);
  const parsed = parseConfig(FIXTURE_YAML, 'test');
  if (!parsed.ok) throw new Error('fixture config must parse');
  await store.applyConfig(parsed.applied, clock.now());
  return store;
}

describe('what the API keeps between requests', () => {
  it('a token it already let in is refused once revoked, by this process or another, and once expired', async () => {
    const clock = new VirtualClock();
    const file = join(tempDir('flotte-auth-cache-'), 'state.db');
    const api = await seeded(file, clock);
    const other = await openStore(file);
    const app = await buildApp({ store: api, clock, parseConfig });
    try {
      const get = async (secret: string) => (await app.inject({ url: '/api/v1/pools/analysis', headers: bearer(secret) })).statusCode;
      const here = await issueToken(api, { name: 'here', role: 'viewer', createdBy: 'test' }, clock.now());
      const there = await issueToken(api, { name: 'there', role: 'viewer', createdBy: 'test' }, clock.now());
      const brief = await issueToken(api, { name: 'brief', role: 'viewer', ttlMs: 60_000, createdBy: 'test' }, clock.now());
      for (const t of [here, there, brief]) expect(await get(t.secret)).toBe(200);

      await api.revokeToken(here.token.id, clock.now());
      expect(await get(here.secret)).toBe(401);
      // Revoked by another process (flotte tokens revoke against a second API, the CLI on the file).
      await other.revokeToken(there.token.id, clock.now());
      expect(await get(there.secret)).toBe(401);

      expect(await get(brief.secret)).toBe(200);
      await clock.advance(60_000);
      expect(await get(brief.secret)).toBe(401);
    } finally {
      await app.close();
      await other.close();
      await api.close();
    }
  });

  it('handler deadlines answer for a slow request and leave no timer behind once requests finish', async () => {
    const clock = new VirtualClock();
    const deadlines = new Deadlines(1_000, clock);
    await expect(Promise.all(Array.from({ length: 50 }, (_, i) => deadlines.race(Promise.resolve(i))))).resolves.toHaveLength(50);
    await clock.advance(0);
    expect(clock.pending()).toBe(0);

    let finish!: () => void;
    const slow = deadlines.race(new Promise<void>((r) => (finish = r)));
    const quick = deadlines.race(Promise.resolve('quick'));
    await expect(quick).resolves.toBe('quick');
    const outcome = slow.then(() => 'finished', (e: unknown) => e);
    await clock.advance(999);
    finish();
    expect(await outcome).toBe('finished');

    const stuck = deadlines.race(new Promise<void>(() => undefined)).catch((e: unknown) => e);
    await clock.advance(2_000);
    const err = await stuck;
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('unavailable');
    expect(clock.pending()).toBe(0);
  });
});
