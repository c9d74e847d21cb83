import { z } from 'zod';
import { ROLES } from '../domain/access.js';
import { parseDuration } from '../domain/environments/duration.js';
import type { OidcSettings } from '../domain/sign-in.js';

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Plain http is for a provider on this host (a laptop, a test); anything else must be https. */
const LOOPBACK = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i;

const SessionTtl = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: 'a duration like 8h, 12h or 1d', params: { hint: 'write a whole number and a unit (s, m, h or d), e.g. 12h' } })
  .meta({ description: 'How long a sign-in lasts: a whole number with a unit s, m, h or d, e.g. 12h.', pattern: '^(\\d+[smhd])+$' });

const Url = (what: string) =>
  z
    .url()
    .refine((u) => /^https:\/\//i.test(u) || LOOPBACK.test(u), {
      message: `${what} must be an https:// URL (plain http only on this host: 127.0.0.1 or localhost)`,
      params: { hint: 'write its https:// address' },
    });

const OidcSchema = z
  .strictObject({
    issuer: Url('the issuer').describe('The OpenID provider\'s issuer URL, exactly as its discovery document names it (e.g. https://login.example.com/realms/ops).'),
    clientId: z.string().min(1).describe('The client id flotte is registered under at the provider; it must allow the authorization code grant and, for `flotte login`, the device grant.'),
    clientSecretEnv: z.string().regex(ENV_NAME, { error: 'an environment variable name like FLOTTE_OIDC_SECRET' }).optional().describe('Environment variable holding the client secret, read by the API process; leave out both secret fields for a public client.'),
    clientSecretFile: z.string().min(1).optional().describe('File holding the client secret, read by the API process; the alternative to clientSecretEnv.'),
    scopes: z.array(z.string().min(1)).min(1).default(['openid', 'profile', 'email']).describe('Scopes asked for at sign-in; `openid` is always added. Add the one that makes the provider send groups (often `groups`).'),
    groupsClaim: z.string().min(1).default('groups').describe('The claim, in the ID token or the userinfo answer, that lists the person\'s groups.'),
    roles: z.record(z.string().min(1), z.enum(ROLES)).describe('Group → role (admin, operator, developer, viewer). Someone in several groups gets the strongest role; someone in none is refused.'),
    sessionTtl: SessionTtl.default('12h').describe('How long a sign-in lasts before the person signs in again (dashboard and `flotte login`).'),
    publicUrl: Url('publicUrl').optional().describe('The address people reach flotte at (e.g. https://flotte.example.com), for the callback URL registered at the provider: <publicUrl>/api/auth/callback. Default: the address of the request.'),
  })
  .superRefine((o, ctx) => {
    if (o.clientSecretEnv !== undefined && o.clientSecretFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientSecretFile'], message: 'give at most one of clientSecretEnv and clientSecretFile', params: { hint: 'keep the one where the secret is' } });
    }
    if (Object.keys(o.roles).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: 'no group is mapped to a role, so nobody could sign in', params: { hint: 'map at least one group, e.g. roles: { ops: operator }' } });
    }
  })
  .transform(
    (o): OidcSettings => ({
      issuer: o.issuer,
      clientId: o.clientId,
      clientSecret: o.clientSecretEnv !== undefined ? { env: o.clientSecretEnv } : o.clientSecretFile !== undefined ? { file: o.clientSecretFile } : undefined,
      scopes: o.scopes.includes('openid') ? o.scopes : ['openid', ...o.scopes],
      groupsClaim: o.groupsClaim,
      roles: o.roles,
      sessionTtlMs: parseDuration(o.sessionTtl)!,
      publicUrl: o.publicUrl?.replace(/\/+$/, ''),
    }),
  );

/** The `auth:` section of flotte.yaml: people signing in through an OpenID provider (docs/sign-in.md). API tokens work with or without it. */
export const AuthSchema = z.strictObject({
  oidc: OidcSchema.optional().describe('Sign-in through an OpenID Connect provider for the dashboard and `flotte login`.'),
});

export type AuthConfig = z.infer<typeof AuthSchema>;
