import { addFootprints, checkQuota, ZERO, type Caps, type Footprint, type QuotaRefusal, type QuotaScope } from '../../domain/environments/quota.js';
import type { EnvSizes, EnvironmentSettings } from '../../domain/environments/settings.js';
import type { Environment } from '../../domain/environments/types.js';
import type { ConfigPort } from '../../store/ports.js';

export interface RoleSize {
  count: number;
  /** The fleet template's preferred size: fall-back sizes are not counted. */
  size: string;
}

/** What roles take, from the config's size table; a size missing from it is a config problem, said so. */
export function footprintOf(roles: readonly RoleSize[], sizes: EnvSizes, needSizes: boolean): Footprint | { missing: string } {
  let f: Footprint = { ...ZERO, environments: 1 };
  for (const r of roles) {
    const s = sizes[r.size];
    if (!s && needSizes) return { missing: r.size };
    f = addFootprints(f, { environments: 0, machines: r.count, vcpus: r.count * (s?.vcpus ?? 0), memoryGb: r.count * (s?.memoryGb ?? 0) });
  }
  return f;
}

const sizedCaps = (c: Caps) => c.vcpus !== undefined || c.memoryGb !== undefined;
const capsOf = ({ environments, machines, vcpus, memoryGb }: Caps): Caps => ({ environments, machines, vcpus, memoryGb });

/**
 * Checks a request against the owner's caps and each of their teams' caps, counting every live
 * environment of the owner (or team members). Returns the refusal, or a config problem.
 */
export async function quotaRefusal(
  store: Pick<ConfigPort, 'getTemplate'>,
  cfg: Pick<EnvironmentSettings, 'quotas' | 'sizes'>,
  ask: { owner: string; request: readonly RoleSize[]; live: readonly Environment[] },
): Promise<QuotaRefusal | { missing: string } | undefined> {
  const { owner, request, live } = ask;
  const q = cfg.quotas;
  const userCaps = capsOf(q.users[owner] ?? q.user);
  const teams = Object.entries(q.teams).filter(([, t]) => t.members.includes(owner));
  const needSizes = sizedCaps(userCaps) || teams.some(([, t]) => sizedCaps(t));
  const want = footprintOf(request, cfg.sizes, needSizes);
  if ('missing' in want) return want;
  const sizeOfTemplate = new Map<string, string>();
  const usageOf = async (owners: ReadonlySet<string>): Promise<Footprint | { missing: string }> => {
    let u = ZERO;
    for (const env of live.filter((e) => owners.has(e.owner))) {
      const roles: RoleSize[] = [];
      for (const r of env.roles) {
        if (!sizeOfTemplate.has(r.template)) sizeOfTemplate.set(r.template, (await store.getTemplate(r.template))?.sizes[0] ?? '');
        roles.push({ count: r.count, size: sizeOfTemplate.get(r.template)! });
      }
      const f = footprintOf(roles, cfg.sizes, needSizes);
      if ('missing' in f) return f;
      u = addFootprints(u, f);
    }
    return u;
  };
  const scopes: QuotaScope[] = [];
  const mine = await usageOf(new Set([owner]));
  if ('missing' in mine) return mine;
  scopes.push({ label: `user ${owner}`, caps: userCaps, usage: mine });
  for (const [name, t] of teams) {
    const usage = await usageOf(new Set(t.members));
    if ('missing' in usage) return usage;
    scopes.push({ label: `team ${name}`, caps: capsOf(t), usage });
  }
  return checkQuota(want, scopes);
}
