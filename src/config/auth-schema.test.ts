import { describe, expect, it } from 'vitest';
import { AuthSchema } from './auth-schema.js';

const oidc = { issuer: 'https://login.example.com/realms/ops', clientId: 'flotte', roles: { ops: 'operator' } };
const problems = (auth: unknown) => {
  const r = AuthSchema.safeParse(auth);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('auth: in flotte.yaml', () => {
  it('fills in scopes, groups claim and a 12h sign-in, and always asks for openid', () => {
    expect(AuthSchema.parse({ oidc }).oidc).toEqual({ issuer: oidc.issuer, clientId: 'flotte', clientSecret: undefined, scopes: ['openid', 'profile', 'email'], groupsClaim: 'groups', roles: { ops: 'operator' }, sessionTtlMs: 12 * 3_600_000, publicUrl: undefined });
    expect(AuthSchema.parse({ oidc: { ...oidc, scopes: ['email', 'groups'], sessionTtl: '8h', clientSecretEnv: 'OIDC_SECRET', publicUrl: 'https://flotte.example.com/' } }).oidc).toMatchObject({
      scopes: ['openid', 'email', 'groups'],
      sessionTtlMs: 8 * 3_600_000,
      clientSecret: { env: 'OIDC_SECRET' },
      publicUrl: 'https://flotte.example.com',
    });
  });

  it('names the field at fault', () => {
    expect(problems({ oidc: { ...oidc, issuer: 'http://login.example.com' } })).toEqual(['oidc.issuer: the issuer must be an https:// URL (plain http only on this host: 127.0.0.1 or localhost)']);
    expect(problems({ oidc: { ...oidc, roles: { ops: 'root' } } })[0]).toMatch(/^oidc\.roles\.ops: /);
    expect(problems({ oidc: { ...oidc, roles: {} } })).toEqual(['oidc.roles: no group is mapped to a role, so nobody could sign in']);
    expect(problems({ oidc: { ...oidc, sessionTtl: 'forever' } })).toEqual(['oidc.sessionTtl: a duration like 8h, 12h or 1d']);
    expect(problems({ oidc: { ...oidc, clientSecretEnv: 'A', clientSecretFile: '/s' } })).toEqual(['oidc.clientSecretFile: give at most one of clientSecretEnv and clientSecretFile']);
    expect(problems({ oidc: { ...oidc, clientSecret: 'plain' } })[0]).toMatch(/^oidc: Unrecognized key/);
  });

  it('accepts a provider over plain http on this host only', () => {
    expect(problems({ oidc: { ...oidc, issuer: 'http://127.0.0.1:5556' } })).toEqual([]);
    expect(problems({ oidc: { ...oidc, issuer: 'http://localhost:5556/dex' } })).toEqual([]);
    expect(problems({ oidc: { ...oidc, issuer: 'http://127.0.0.1.example.com' } })).toHaveLength(1);
  });
});
