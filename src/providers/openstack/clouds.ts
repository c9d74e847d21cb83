import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CloudConfigError, normalizeCloud, type ResolvedCloud } from './cloud-auth.js';

/** Where to look, and what for: the process's own by default, fixed in tests. */
export interface CloudSearch {
  env?: NodeJS.ProcessEnv | undefined;
  cwd?: string | undefined;
  home?: string | undefined;
}

const NAMES = ['clouds.yaml', 'clouds.yml'];
const SECURE_NAMES = ['secure.yaml', 'secure.yml'];

/** The directories the OpenStack CLI (openstacksdk) searches, in its order. */
export function searchDirs(s: CloudSearch = {}): string[] {
  return [s.cwd ?? process.cwd(), join(s.home ?? homedir(), '.config', 'openstack'), '/etc/openstack'];
}

/** The first file found: `override` (OS_CLIENT_CONFIG_FILE / OS_CLIENT_SECURE_FILE) first, then the search dirs. */
export function findFile(names: readonly string[], s: CloudSearch, override: string | undefined): string | undefined {
  if (override) return existsSync(override) ? override : undefined;
  for (const dir of searchDirs(s)) for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
  return undefined;
}

/**
 * Resolves the cloud to use the way the OpenStack CLI does: `name` (from flotte.yaml) or
 * OS_CLOUD selects an entry of the first clouds.yaml found, with the matching secure.yaml
 * entry merged over it; with neither, the OS_* variables of an openrc file are used.
 */
export function resolveCloud(name: string | undefined, s: CloudSearch = {}): ResolvedCloud {
  const env = s.env ?? process.env;
  const wanted = name ?? nonEmpty(env.OS_CLOUD);
  if (wanted === undefined) {
    if (nonEmpty(env.OS_AUTH_URL) === undefined) {
      throw new CloudConfigError('OS_* environment', 'OS_CLOUD', 'no cloud selected: name one in flotte.yaml (`cloud:`), set OS_CLOUD, or source an openrc (OS_AUTH_URL…)');
    }
    return fromEnv(env);
  }
  const file = findFile(NAMES, s, nonEmpty(env.OS_CLIENT_CONFIG_FILE));
  if (!file) throw new CloudConfigError('clouds.yaml', `clouds.${wanted}`, `unknown cloud: no clouds.yaml in ${searchDirs(s).join(', ')}`);
  const clouds = readClouds(file);
  const entry = clouds[wanted];
  if (!entry || typeof entry !== 'object') {
    const known = Object.keys(clouds);
    throw new CloudConfigError(file, `clouds.${wanted}`, `unknown cloud "${wanted}" (the file defines ${known.length ? known.join(', ') : 'none'})`);
  }
  const secureFile = findFile(SECURE_NAMES, s, nonEmpty(env.OS_CLIENT_SECURE_FILE));
  const secure = secureFile ? readClouds(secureFile)[wanted] : undefined;
  const merged = secure && typeof secure === 'object' ? deepMerge(entry as Record<string, unknown>, secure as Record<string, unknown>) : entry;
  return normalizeCloud(wanted, merged as Record<string, unknown>, secure ? `${file} (+ ${secureFile})` : file, (k) => `clouds.${wanted}.${k}`);
}

function readClouds(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CloudConfigError(file, '(file)', `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const clouds = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).clouds : undefined;
  if (!clouds || typeof clouds !== 'object') throw new CloudConfigError(file, 'clouds', 'missing: the file must have a top-level `clouds:` map');
  return clouds as Record<string, unknown>;
}

/** OS_* variables, as an openrc file sets them, read into the clouds.yaml shape. */
function fromEnv(env: NodeJS.ProcessEnv): ResolvedCloud {
  const v = (k: string): string | undefined => nonEmpty(env[`OS_${k}`]);
  const auth: Record<string, string | undefined> = {
    auth_url: v('AUTH_URL'),
    username: v('USERNAME'),
    user_id: v('USER_ID'),
    password: v('PASSWORD'),
    project_name: v('PROJECT_NAME') ?? v('TENANT_NAME'),
    project_id: v('PROJECT_ID') ?? v('TENANT_ID'),
    user_domain_name: v('USER_DOMAIN_NAME'),
    user_domain_id: v('USER_DOMAIN_ID'),
    project_domain_name: v('PROJECT_DOMAIN_NAME'),
    project_domain_id: v('PROJECT_DOMAIN_ID'),
    domain_name: v('DOMAIN_NAME'),
    application_credential_id: v('APPLICATION_CREDENTIAL_ID'),
    application_credential_name: v('APPLICATION_CREDENTIAL_NAME'),
    application_credential_secret: v('APPLICATION_CREDENTIAL_SECRET'),
    token: v('TOKEN'),
  };
  const entry = {
    auth: Object.fromEntries(Object.entries(auth).filter(([, x]) => x !== undefined)),
    auth_type: v('AUTH_TYPE'),
    region_name: v('REGION_NAME'),
    interface: v('INTERFACE') ?? v('ENDPOINT_TYPE'),
    cacert: v('CACERT'),
    insecure: v('INSECURE'),
  };
  const cloud = normalizeCloud('envvars', entry, 'OS_* environment', (k) => `OS_${k.replace(/^auth\./, '').toUpperCase()}`);
  return cloud;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev) ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
