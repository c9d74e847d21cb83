import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/process.js';
import { resolveToken } from './client.js';
import { credentialsPath, forgetCredential, saveCredential, storedCredential } from './credentials.js';

const cred = (secret: string, expiresAt: string) => ({ secret, name: 'a@example.com', role: 'operator', expiresAt });

describe('the CLI credentials file', () => {
  it('keeps one sign-in per server, readable by this user only, and sends it until it expires', () => {
    const env = { FLOTTE_CONFIG_DIR: join(tempDir(), 'flotte') };
    const file = saveCredential('http://127.0.0.1:7420/', cred('fls_one', '2030-01-01T00:00:00.000Z'), env);
    saveCredential('https://flotte.example.com', cred('fls_two', '2030-01-01T00:00:00.000Z'), env);
    expect(file).toBe(credentialsPath(env));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(storedCredential('http://127.0.0.1:7420', env, Date.UTC(2029, 0))?.secret).toBe('fls_one');
    expect(storedCredential('https://flotte.example.com/api', env, Date.UTC(2029, 0))?.secret).toBe('fls_two');
    expect(storedCredential('http://127.0.0.1:7420', env, Date.UTC(2031, 0))).toBeUndefined();
    expect(forgetCredential('http://127.0.0.1:7420', env)?.secret).toBe('fls_one');
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).servers)).toEqual(['https://flotte.example.com']);
  });

  it('a sign-in comes after FLOTTE_TOKEN and --token-file and before the local admin token', () => {
    const dir = tempDir();
    const env = { FLOTTE_CONFIG_DIR: join(dir, 'config'), FLOTTE_DATA_DIR: dir };
    saveCredential('http://127.0.0.1:7420', cred('fls_me', '2999-01-01T00:00:00.000Z'), env);
    expect(resolveToken('http://127.0.0.1:7420', { env: { ...env, FLOTTE_TOKEN: 'flt_env' } })).toBe('flt_env');
    expect(resolveToken('http://127.0.0.1:7420', { env })).toBe('fls_me');
    expect(resolveToken('http://127.0.0.1:7421', { env })).toBeUndefined();
  });
});
