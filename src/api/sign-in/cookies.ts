import type { FastifyReply, FastifyRequest } from 'fastify';

/** The dashboard's sign-in: the session secret, readable by no script (HttpOnly). */
export const SESSION_COOKIE = 'flotte_session';
/** What the provider's redirect back must match: state, nonce and PKCE verifier of one sign-in. */
export const PENDING_COOKIE = 'flotte_oidc';

/** The value of one cookie the browser sent; undefined when absent or garbled. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Whether the browser reached flotte over https, directly or through a proxy that says so. */
export function isHttps(request: FastifyRequest, publicUrl: string | undefined): boolean {
  if (publicUrl !== undefined) return publicUrl.startsWith('https://');
  return request.protocol === 'https';
}

/**
 * Sets a cookie the way every flotte cookie is set: HttpOnly (no script reads it), SameSite=Lax
 * (sent on the provider's top-level redirect back, not on cross-site subrequests or form posts),
 * Secure whenever the browser came over https. `maxAgeS` 0 deletes it.
 */
export function setCookie(reply: FastifyReply, name: string, value: string, opts: { maxAgeS: number; path: string; secure: boolean }): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${opts.path}`, `Max-Age=${Math.max(0, Math.floor(opts.maxAgeS))}`, 'HttpOnly', 'SameSite=Lax'];
  if (opts.secure) parts.push('Secure');
  const previous = reply.getHeader('set-cookie');
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous.map(String) : [String(previous)];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}
