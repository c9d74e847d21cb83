import { readFileSync } from 'node:fs';
import * as oidc from 'openid-client';
import type { OidcSettings } from '../../domain/sign-in.js';
import { ApiError } from '../errors.js';

/** Plain http is accepted from a provider on this host only (the schema refuses others). */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Discovery documents by issuer, client and secret: fetched once, fetched again after a failure. */
const configurations = new Map<string, Promise<oidc.Configuration>>();

function clientSecret(settings: OidcSettings): string | undefined {
  const where = settings.clientSecret;
  if (where === undefined) return undefined;
  if ('env' in where) {
    const value = process.env[where.env];
    if (!value) throw new ApiError('unavailable', `auth.oidc.clientSecretEnv names ${where.env}, which is not set where this API runs: set it and restart`);
    return value;
  }
  try {
    return readFileSync(where.file, 'utf8').trim();
  } catch (e) {
    throw new ApiError('unavailable', `auth.oidc.clientSecretFile ${where.file} cannot be read here (${(e as Error).message}): put the secret there`);
  }
}

/**
 * The provider as openid-client sees it (discovery, keys, client authentication). A client with
 * a secret authenticates with HTTP Basic, the default of the specification; one without is a
 * public client that PKCE alone protects.
 */
export async function providerOf(settings: OidcSettings): Promise<oidc.Configuration> {
  const secret = clientSecret(settings);
  const key = JSON.stringify([settings.issuer, settings.clientId, secret ?? null]);
  let found = configurations.get(key);
  if (!found) {
    const issuer = new URL(settings.issuer);
    const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
    found = oidc.discovery(issuer, settings.clientId, undefined, secret === undefined ? oidc.None() : oidc.ClientSecretBasic(secret), insecure ? { execute: [oidc.allowInsecureRequests] } : undefined);
    configurations.set(key, found);
    found.catch(() => configurations.delete(key));
  }
  try {
    return await found;
  } catch (e) {
    throw new ApiError('unavailable', `the OpenID provider ${settings.issuer} did not answer its discovery document (${(e as Error).message}); check auth.oidc.issuer`);
  }
}

/**
 * The claims a sign-in is decided on: the ID token's, and when the groups are not in it (many
 * providers keep them for the userinfo endpoint) the userinfo answer's as well.
 */
export async function claimsOf(config: oidc.Configuration, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, groupsClaim: string): Promise<Record<string, unknown>> {
  const claims = tokens.claims();
  if (!claims) throw new ApiError('unauthorized', 'the provider sent no ID token: check that the scopes include openid');
  if (claims[groupsClaim] !== undefined || !config.serverMetadata().userinfo_endpoint) return { ...claims };
  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  return { ...info, ...claims };
}
