import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The secrets agents hold, and what the store keeps of them (see docs/design/0011-agent-secrets.md).
 * Join tokens carry `fjt_` and credentials `fac_`, so a leaked one is recognisable.
 */
export const JOIN_TOKEN_PREFIX = 'fjt_';
export const CREDENTIAL_PREFIX = 'fac_';
const SECRET_BYTES = 32;

/** What the store keeps of a secret: enough to check one presented, never enough to present it. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export const randomSecret = (prefix: string): string => prefix + randomBytes(SECRET_BYTES).toString('base64url');

/** A fresh cluster join key: the one input of every launch's join token. */
export const newJoinKey = (): string => randomBytes(SECRET_BYTES).toString('base64url');

/**
 * The join token of one launch intent. Derived rather than stored, so every controller (a
 * restarted one, another HA member) puts the same token in a re-sent launch (EC2 wants the
 * same parameters under the same ClientToken), and the store holds no token at all. The pool
 * is part of the input so a token never crosses pools.
 */
export function launchJoinToken(key: string, pool: string, intent: string): string {
  return JOIN_TOKEN_PREFIX + createHmac('sha256', key).update(`join\0${pool}\0${intent}`).digest('base64url');
}

/** Constant-time string equality: a secret is never compared byte by byte in the open. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
