import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/process.js';
import { resolveToken } from '../cli/client.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { testApp } from '../../test/support/api.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { ensureAdminToken, hashSecret, issueToken } from './tokens.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('tokens', () => {
  it('first start writes an admin token readable by this user only; later starts leave tokens alone', async () => {
    const dir = tempDir();
    store = await openStore(':memory:');
    const file = await ensureAdminToken(store, dir, 1_000);
    expect(file).toBe(join(dir, 'admin-token'));
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file!, 'utf8').trim();
    expect(secret).toMatch(/^flt_[A-Za-z0-9_-]{43}$/);
    expect(await store.findTokenByHash(hashSecret(secret))).toMatchObject({ role: 'admin', name: 'bootstrap-admin', createdBy: 'bootstrap' });
    expect(await ensureAdminToken(store, dir, 2_000)).toBeUndefined();
    expect(await store.countTokens()).toBe(1);
  });

  it('keeps only the hash: the secret appears nowhere in the database', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    store = await openStore(path);
    const { secret, token } = await issueToken(store, { name: 'ci', role: 'operator', ttlMs: 60_000, createdBy: 'me' }, 5_000);
    expect(token.expiresAt).toBe(65_000);
    await store.close();
    store = undefined;
    for (const f of ['state.db', 'state.db-wal']) if (existsSync(join(dir, f))) expect(readFileSync(join(dir, f)).includes(secret)).toBe(false);
    store = await openStore(path);
    expect((await store.findTokenByHash(hashSecret(secret)))?.id).toBe(token.id);
  });

  it('the CLI uses FLOTTE_TOKEN, else --token-file, else the local admin token file, and never sends it to a remote server', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'admin-token'), 'flt_local\n');
    writeFileSync(join(dir, 'other'), 'flt_file\n');
    const env = { FLOTTE_DATA_DIR: dir };
    expect(resolveToken('http://127.0.0.1:7420', { env: { ...env, FLOTTE_TOKEN: 'flt_env' } })).toBe('flt_env');
    expect(resolveToken('http://127.0.0.1:7420', { env, tokenFile: join(dir, 'other') })).toBe('flt_file');
    expect(resolveToken('http://localhost:7420', { env })).toBe('flt_local');
    expect(resolveToken('https://flotte.example.com', { env })).toBeUndefined();
  });
});

describe('POST /api/v1/tokens lifetimes (found by test/fuzz/api-routes.test.ts)', () => {
  it('a lifetime past any date a clock can show is a 400 that creates nothing, and the token list still answers', async () => {
    store = await openStore(':memory:');
    const t = await testApp({ store, clock: new VirtualClock(Date.UTC(2026, 11, 6, 9)), parseConfig });
    const before = await store.countTokens();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: t.headers, payload: { name: 'forever', role: 'viewer', ttlSeconds: 9_000_000_000_000 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems).toEqual([{ field: 'body.ttlSeconds', message: expect.any(String) }]);
    expect(await store.countTokens()).toBe(before);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: t.headers })).statusCode).toBe(200);
    const longest = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: t.headers, payload: { name: 'century', role: 'viewer', ttlSeconds: 100 * 365 * 86_400 } });
    expect(longest.statusCode).toBe(201);
    expect(longest.json().expiresAt).toBe('2126-11-12T09:00:00.000Z');
    await t.app.close();
  });
});
