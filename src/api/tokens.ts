import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiToken, Role } from '../domain/access.js';
import type { Store } from '../store/store.js';

/** Secrets carry a prefix so a leaked one is recognisable (secret scanners, grep). */
export const TOKEN_PREFIX = 'flt_';
const SECRET_BYTES = 32;
/** The file `flotte up` writes its first admin token to, inside the data dir. */
export const ADMIN_TOKEN_FILE = 'admin-token';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface IssuedToken {
  token: ApiToken;
  /** Shown once; flotte keeps only its hash. */
  secret: string;
}

export async function issueToken(
  store: Store,
  spec: { name: string; role: Role; ttlMs?: number | undefined; createdBy: string },
  now: number,
): Promise<IssuedToken> {
  const secret = TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  const token: ApiToken = {
    id: `tok-${randomBytes(6).toString('hex')}`,
    name: spec.name,
    role: spec.role,
    createdAt: now,
    expiresAt: spec.ttlMs === undefined ? undefined : now + spec.ttlMs,
    createdBy: spec.createdBy,
  };
  await store.createToken(token, hashSecret(secret));
  return { token, secret };
}

/**
 * First start: with no token in the store yet, makes an admin token and writes it to
 * `<dataDir>/admin-token`, readable by this user only, where the CLI looks for it. Later
 * starts leave tokens alone, so a revoked bootstrap token stays revoked.
 */
export async function ensureAdminToken(store: Store, dataDir: string, now: number): Promise<string | undefined> {
  if ((await store.countTokens()) > 0) return undefined;
  const { secret } = await issueToken(store, { name: 'bootstrap-admin', role: 'admin', createdBy: 'bootstrap' }, now);
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  // The mode above only applies to a new file; an old one left by another store is tightened too.
  chmodSync(file, 0o600);
  return file;
}

export type Bootstrap = { created: true; token: ApiToken; secret: string } | { created: false; existing: ApiToken };

/**
 * The first admin token of a store no `flotte up` made (the HA path: `flotte api` and
 * `flotte controller` on PostgreSQL never make one). Created at most once: while a live admin
 * token exists it changes nothing and returns that one. Audited as `tokens bootstrap`.
 */
export async function bootstrapAdmin(store: Store, spec: { name: string; source: string }, now: number): Promise<Bootstrap> {
  const secret = TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  const token: ApiToken = { id: `tok-${randomBytes(6).toString('hex')}`, name: spec.name, role: 'admin', createdAt: now, createdBy: 'bootstrap' };
  const outcome = await store.bootstrapAdminToken(token, hashSecret(secret), {
    at: now,
    actor: 'bootstrap',
    tokenId: token.id,
    role: 'admin',
    action: 'tokens bootstrap',
    params: { name: spec.name },
    status: 201,
    result: 'ok',
    source: spec.source,
  });
  return outcome.created ? { created: true, token, secret } : outcome;
}
