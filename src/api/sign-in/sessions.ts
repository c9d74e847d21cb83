import { randomBytes } from 'node:crypto';
import type { ApiToken, Role } from '../../domain/access.js';
import type { Session, SessionClient } from '../../domain/sign-in.js';
import type { AuditPort, SessionsPort } from '../../store/ports.js';
import { hashSecret } from '../tokens.js';

/** Session secrets are told apart from API tokens (`flt_`) by their prefix, and so are recognisable when leaked. */
export const SESSION_PREFIX = 'fls_';
const SECRET_BYTES = 32;

export interface SignedIn {
  subject: string;
  issuer: string;
  name: string;
  role: Role;
  groups: string[];
}

/** Starts a session for a person the provider vouched for; the secret is handed out once, the store keeps its hash. */
export async function startSession(store: { sessions: SessionsPort }, who: SignedIn, client: SessionClient, now: number, ttlMs: number): Promise<{ session: Session; secret: string }> {
  const secret = SESSION_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  const session: Session = { id: `ses-${randomBytes(6).toString('hex')}`, ...who, client, createdAt: now, expiresAt: now + ttlMs };
  await store.sessions.createSession(session, hashSecret(secret));
  return { session, secret };
}

/**
 * A session as the caller of a request. It takes a token's shape so that permissions, rate
 * limits, logs and the audit log treat both alike; its name is the person's (email or username),
 * and its id (`ses-…`) tells an audit reader it was a sign-in and not a token.
 */
export function sessionCaller(session: Session): ApiToken {
  return { id: session.id, name: session.name, role: session.role, createdAt: session.createdAt, expiresAt: session.expiresAt, createdBy: `oidc ${session.issuer} sub ${session.subject}` };
}

/** Signing in and out are changes to who may act, so they are audited under the person's name like the rest. */
export async function auditSession(store: AuditPort, session: Session, what: 'sign-in' | 'sign-out', at: number, source: string): Promise<void> {
  await store.appendAudit({
    at,
    actor: session.name,
    tokenId: session.id,
    role: session.role,
    action: `auth ${what}`,
    params: { subject: session.subject, issuer: session.issuer, client: session.client, groups: session.groups },
    status: 200,
    result: 'ok',
    source,
  });
}
