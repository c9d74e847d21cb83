import type { Environment } from './types.js';

export interface UsageRow {
  /** `user alice` or `team pay`. */
  scope: string;
  environments: number;
  machineHours: number;
  /** Sum of machine-hours × the size's hourly price; sizes without a price count 0 and are listed. */
  cost: number;
  unpriced: string[];
}

export interface UsageInput {
  envs: readonly Environment[];
  /** Fleet template → its preferred size. */
  sizeOf: ReadonlyMap<string, string>;
  prices: Readonly<Record<string, number>>;
  teams: Readonly<Record<string, readonly string[]>>;
  /** Only time inside [from, to) counts. */
  from: number;
  to: number;
}

/**
 * Machine-hours per user and per team over a window. An environment counts its roles' machine
 * counts from creation until it ended (or `to`): the machines it asked for, which is what it
 * held the capacity of, not what the cloud billed to the second.
 */
export function usage(input: UsageInput): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  const row = (scope: string) => rows.get(scope) ?? rows.set(scope, { scope, environments: 0, machineHours: 0, cost: 0, unpriced: [] }).get(scope)!;
  for (const env of input.envs) {
    const start = Math.max(env.createdAt, input.from);
    const end = Math.min(env.endedAt ?? input.to, input.to);
    if (end <= start) continue;
    const hours = (end - start) / 3_600_000;
    const scopes = [`user ${env.owner}`, ...Object.entries(input.teams).filter(([, m]) => m.includes(env.owner)).map(([t]) => `team ${t}`)];
    for (const scope of scopes) {
      const r = row(scope);
      r.environments++;
      for (const role of env.roles) {
        const size = input.sizeOf.get(role.template) ?? '?';
        const mh = role.count * hours;
        r.machineHours += mh;
        const price = input.prices[size];
        if (price === undefined) {
          if (!r.unpriced.includes(size)) r.unpriced.push(size);
        } else r.cost += mh * price;
      }
    }
  }
  return [...rows.values()].map((r) => ({ ...r, machineHours: Math.round(r.machineHours * 100) / 100, cost: Math.round(r.cost * 100) / 100 })).sort((a, b) => (a.scope < b.scope ? -1 : 1));
}
