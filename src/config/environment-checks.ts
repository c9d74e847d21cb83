import { CloudConfigError } from '../providers/openstack/cloud-auth.js';
import { resolveCloud, searchDirs, type CloudSearch } from '../providers/openstack/clouds.js';
import type { Problem } from './issues.js';
import { OpenStackProviderSchema } from '../providers/openstack/registration.js';

/**
 * What a config's provider references resolve against: the environment of the process that
 * will use the providers (the server, not the CLI that sends the file).
 */
export interface ConfigEnvironment {
  /** Where clouds.yaml is looked for, and the OS_* variables; the process's own by default. */
  clouds?: CloudSearch | undefined;
}

/**
 * Checks what a file names outside itself: each OpenStack provider's cloud must resolve here,
 * as it will when the provider is built. Reads the raw document like crossChecks, so a file
 * gets these problems together with every other one.
 */
export function environmentChecks(raw: unknown, env: ConfigEnvironment): Problem[] {
  const providers = asObj(asObj(raw)?.providers) ?? {};
  const problems: Problem[] = [];
  for (const [name, p] of Object.entries(providers)) {
    const parsed = OpenStackProviderSchema.safeParse(p);
    if (!parsed.success) continue;
    const cloud = parsed.data.cloud;
    try {
      resolveCloud(cloud, env.clouds ?? {});
    } catch (e) {
      if (!(e instanceof CloudConfigError)) throw e;
      const where = `the clouds.yaml flotte reads (OS_CLIENT_CONFIG_FILE, else the first in ${searchDirs(env.clouds ?? {}).join(', ')})`;
      problems.push(
        cloud === undefined
          ? { path: ['providers', name], at: 'key', message: `no OpenStack cloud resolves on the flotte server: ${e.message}`, hint: `name an entry of ${where} with cloud:, or set OS_CLOUD or the OS_* variables where flotte runs` }
          : { path: ['providers', name, 'cloud'], at: 'value', message: `cloud "${cloud}" is not defined on the flotte server: ${e.message}`, hint: `name a cloud defined in ${where}, or add "${cloud}" there` },
      );
    }
  }
  return problems;
}

function asObj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
