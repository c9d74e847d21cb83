import { ROLES, type Role } from './access.js';

/**
 * What `auth.oidc` in flotte.yaml decides once a person has signed in: which groups give which
 * role, and how long a sign-in lasts. The client secret is not here: it is read where it is used.
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Where the API process reads the client secret; none for a public client (PKCE alone). */
  clientSecret?: { env: string } | { file: string } | undefined;
  scopes: string[];
  /** The claim (in the ID token or the userinfo answer) listing the person's groups. */
  groupsClaim: string;
  /** Group name → role. A person in several mapped groups gets the strongest of their roles. */
  roles: Record<string, Role>;
  sessionTtlMs: number;
  /** The dashboard's address as browsers reach it; the request's own address when absent. */
  publicUrl?: string | undefined;
}

/**
 * A signed-in person, as the store keeps them: the secret that names the session is never
 * stored, only its SHA-256. The role was decided at sign-in from the groups then held.
 */
export interface Session {
  id: string;
  /** The provider's stable id of the person (`sub`). */
  subject: string;
  issuer: string;
  /** How people know them: email, else preferred_username, else the subject. */
  name: string;
  role: Role;
  groups: string[];
  /** `dashboard` (a cookie) or `cli` (`flotte login`, a bearer secret). */
  client: SessionClient;
  createdAt: number;
  expiresAt: number;
}

export const SESSION_CLIENTS = ['dashboard', 'cli'] as const;
export type SessionClient = (typeof SESSION_CLIENTS)[number];

/** Why a sign-in was refused, as a fixed reason the API returns. */
export type SignInRefusal = { reason: 'NoMappedGroup'; groups: string[] } | { reason: 'NoSubject' };

/** ROLES lists the roles for people strongest first (admin … viewer), so the lowest index wins. */
function strongest(roles: readonly Role[]): Role | undefined {
  return [...roles].sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b))[0];
}

/** The groups a claim holds: an array of names, or one name; anything else holds none. */
export function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

/**
 * Decides who a person is to flotte from the provider's claims: refused without a subject, or
 * when none of their groups is mapped (flotte gives no role by default: an organisation's
 * whole directory must not become viewers by accident).
 */
export function decideSignIn(
  claims: Record<string, unknown>,
  settings: Pick<OidcSettings, 'groupsClaim' | 'roles'>,
): { ok: true; subject: string; name: string; role: Role; groups: string[] } | { ok: false; refusal: SignInRefusal } {
  const subject = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
  if (subject === undefined) return { ok: false, refusal: { reason: 'NoSubject' } };
  const groups = groupsOf(claims[settings.groupsClaim]);
  const role = strongest(groups.flatMap((g) => (Object.hasOwn(settings.roles, g) ? [settings.roles[g]!] : [])));
  if (role === undefined) return { ok: false, refusal: { reason: 'NoMappedGroup', groups } };
  const name = [claims.email, claims.preferred_username].find((v): v is string => typeof v === 'string' && v !== '') ?? subject;
  return { ok: true, subject, name, role, groups };
}
