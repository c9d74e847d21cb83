import type { Environment } from './types.js';

/** What usage rows are grouped by: the owner, the owner's teams (quotas.teams), or the environment template. */
export const USAGE_BY = ['user', 'team', 'template'] as const;
export type UsageBy = (typeof USAGE_BY)[number];

/** The row of owners in no team, when rows are grouped by team: so that the rows add up to every environment's cost. */
export const NO_TEAM = 'team (none)';

export interface UsageRow {
  /** `user alice`, `team pay`, `team (none)` or `template stack`. */
  scope: string;
  environments: number;
  /** Machine-hours running (creating, ready, starting, being destroyed). */
  machineHours: number;
  /** Machine-hours stopped (or shelved): disks kept, priced at the template's `stoppedPrice` share. */
  stoppedMachineHours: number;
  /** Running machine-hours × the size's hourly price, plus stopped ones × that price × the template's share; sizes without a price count 0 and are listed. */
  cost: number;
  unpriced: string[];
}

export interface UsageInput {
  envs: readonly Environment[];
  /** Fleet template → its preferred size. */
  sizeOf: ReadonlyMap<string, string>;
  prices: Readonly<Record<string, number>>;
  teams: Readonly<Record<string, readonly string[]>>;
  /** Environment template → share of the running price a stopped machine-hour costs; 0 when absent. */
  stoppedPrice: Readonly<Record<string, number>>;
  by: readonly UsageBy[];
  /** Only time inside [from, to) counts. */
  from: number;
  to: number;
  /** Environments still alive count until now (a month not over yet ends here). */
  now: number;
}

const HOUR_MS = 3_600_000;

/**
 * Machine-hours and cost over a window. An environment counts its roles' machine counts from
 * creation until it ended: the machines it asked for, which is what it held the capacity of,
 * not what the cloud billed to the second. Its recorded stops split that into running and
 * stopped time. An owner in several teams counts in each of them, as quotas do.
 */
export function usage(input: UsageInput): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  const row = (scope: string) => rows.get(scope) ?? rows.set(scope, { scope, environments: 0, machineHours: 0, stoppedMachineHours: 0, cost: 0, unpriced: [] }).get(scope)!;
  for (const env of input.envs) {
    const start = Math.max(env.createdAt, input.from);
    const end = Math.min(env.endedAt ?? input.now, input.to);
    if (end <= start) continue;
    let stoppedMs = 0;
    for (const s of env.stops ?? []) stoppedMs += Math.max(0, Math.min(s.to ?? end, end) - Math.max(s.from, start));
    const running = (end - start - stoppedMs) / HOUR_MS;
    const stopped = stoppedMs / HOUR_MS;
    const share = input.stoppedPrice[env.template] ?? 0;
    for (const scope of scopesOf(env, input)) {
      const r = row(scope);
      r.environments++;
      for (const role of env.roles) {
        const size = input.sizeOf.get(role.template) ?? '?';
        r.machineHours += role.count * running;
        r.stoppedMachineHours += role.count * stopped;
        const price = input.prices[size];
        if (price === undefined) {
          if (!r.unpriced.includes(size)) r.unpriced.push(size);
        } else r.cost += role.count * price * (running + stopped * share);
      }
    }
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return [...rows.values()].map((r) => ({ ...r, machineHours: round(r.machineHours), stoppedMachineHours: round(r.stoppedMachineHours), cost: round(r.cost) })).sort((a, b) => (a.scope < b.scope ? -1 : 1));
}

function scopesOf(env: Environment, input: UsageInput): string[] {
  return input.by.flatMap((by) => {
    if (by === 'user') return [`user ${env.owner}`];
    if (by === 'template') return [`template ${env.template}`];
    const teams = Object.entries(input.teams).filter(([, members]) => members.includes(env.owner)).map(([t]) => `team ${t}`);
    return teams.length > 0 ? teams : [NO_TEAM];
  });
}

/** `2026-12` → the calendar month in UTC, [first instant, first instant of the next); undefined when it is not a month. */
export function monthWindow(month: string): { from: number; to: number } | undefined {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) return undefined;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  return { from: Date.UTC(y, mo - 1, 1), to: Date.UTC(y, mo, 1) };
}

/** Rows as CSV (RFC 4180): a header, then one line per row; unpriced sizes separated by spaces. */
export function usageCsv(rows: readonly UsageRow[]): string {
  const cell = (v: string | number) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
  const lines = [['scope', 'environments', 'machine_hours', 'stopped_machine_hours', 'cost', 'unpriced_sizes'].join(',')];
  for (const r of rows) lines.push([r.scope, r.environments, r.machineHours, r.stoppedMachineHours, r.cost, r.unpriced.join(' ')].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}
