import { isEnvPool } from './environments/types.js';
import type { PoolSpec, Template } from './types.js';

/** A pool as it stands before an apply. */
export interface CurrentPool {
  spec: PoolSpec;
  /** The pool's `desired` as the file said at the last apply: a scaled value survives while the file's stays the same. */
  fileDesired: number;
  /** Its machines that are not gone. */
  machines: number;
}

export interface ApplyPlanInput {
  current: readonly CurrentPool[];
  /** The templates of the last applied file. */
  currentTemplates: readonly Omit<Template, 'version'>[];
  /** The latest stored version of each template, by name. */
  versions: ReadonlyMap<string, number>;
  /** What the new file declares (pools with the file's own `desired`). */
  pools: readonly PoolSpec[];
  templates: readonly Omit<Template, 'version'>[];
}

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

export interface PoolPlan {
  pool: string;
  change: 'add' | 'change' | 'remove';
  fields: FieldChange[];
  /** Machines the pool has now. */
  machines: number;
  desired: { from: number; to: number };
  launch: number;
  terminate: number;
  /** Needs `allowDestroy`: a removal, or more than half of the pool's machines terminated. */
  destructive: boolean;
}

export interface TemplatePlan {
  template: string;
  change: 'add' | 'change' | 'remove';
  fields: FieldChange[];
  /** The version new machines get once applied (add and change only). */
  version?: number;
}

export interface ApplyPlan {
  pools: PoolPlan[];
  templates: TemplatePlan[];
  launch: number;
  terminate: number;
  /** The pool plans that need `allowDestroy`. */
  destructive: PoolPlan[];
  /** Other sections of the file that change (providers, notifications, retention…): stored, no machine moves. */
  sections: string[];
}

/**
 * The desired size an apply leaves a pool at: the file's value when it is new or differs from
 * what the file said last time, else the current one (a `flotte scale` or the autoscaler's),
 * clamped into the file's bounds. The store writes exactly this, so a plan tells the truth.
 */
export function desiredAfterApply(before: { desired: number; fileDesired: number } | undefined, file: Pick<PoolSpec, 'min' | 'max' | 'desired'>): number {
  const kept = before && before.fileDesired === file.desired ? before.desired : file.desired;
  return Math.min(file.max, Math.max(file.min, kept));
}

/** The stored state, as the store reads it for an apply (its ApplyState has this shape). */
export interface StoredFleet {
  pools: readonly PoolSpec[];
  fileDesired: ReadonlyMap<string, number>;
  machines: ReadonlyMap<string, number>;
  config: (Sections & { templates: readonly Omit<Template, 'version'>[] }) | undefined;
  versions: ReadonlyMap<string, number>;
}

/** The parts of a config besides pools and templates that a plan compares. */
export interface Sections {
  providers?: Record<string, unknown>;
  /** Absent on a config stored by an older flotte: then its sections cannot be compared and are not named. */
  settings?: object | undefined;
}

/** The names of the sections that differ between the stored config and the next one, sorted. */
export function changedSections(before: Sections | undefined, next: Sections): string[] {
  if (!before) return [];
  const changed: string[] = [];
  // Compared canonically (keys sorted, undefined fields left out), as the store keeps them as JSON.
  const differ = (a: unknown, b: unknown) => canonical(a ?? {}) !== canonical(b ?? {});
  if (differ(before.providers, next.providers)) changed.push('providers');
  if (before.settings && next.settings) {
    const was = before.settings as Record<string, unknown>;
    const now = next.settings as Record<string, unknown>;
    for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) if (differ(was[key], now[key])) changed.push(key);
  }
  return changed.sort();
}

/** planApply from the stored state and the new file's pools and templates. */
export function planAgainst(before: StoredFleet, next: Sections & { pools: readonly PoolSpec[]; templates: readonly Omit<Template, 'version'>[] }): ApplyPlan {
  const plan = planApply({
    current: before.pools.map((spec) => ({ spec, fileDesired: before.fileDesired.get(spec.name) ?? spec.desired, machines: before.machines.get(spec.name) ?? 0 })),
    currentTemplates: before.config?.templates ?? [],
    versions: before.versions,
    pools: next.pools,
    templates: next.templates,
  });
  return { ...plan, sections: changedSections(before.config, next) };
}

/** What applying a file would change, pool by pool and template by template. Pure. */
export function planApply(input: ApplyPlanInput): ApplyPlan {
  const current = new Map(input.current.filter((c) => !isEnvPool(c.spec.name)).map((c) => [c.spec.name, c]));
  const pools: PoolPlan[] = [];
  for (const next of input.pools) {
    const before = current.get(next.name);
    // A pool that an earlier apply removed and that is still draining comes back as new.
    const live = before && before.spec.removedAt === undefined ? before : undefined;
    const to = desiredAfterApply(before && { desired: before.spec.desired, fileDesired: before.fileDesired }, next);
    const machines = before?.machines ?? 0;
    if (!live) {
      pools.push(poolPlan(next.name, 'add', poolFields(undefined, next, before?.spec.desired ?? 0, to), machines, before?.spec.desired ?? 0, to));
      continue;
    }
    const fields = poolFields(live.spec, next, live.spec.desired, to);
    if (fields.length > 0) pools.push(poolPlan(next.name, 'change', fields, machines, live.spec.desired, to));
  }
  const listed = new Set(input.pools.map((p) => p.name));
  for (const [name, c] of current) {
    if (listed.has(name) || c.spec.removedAt !== undefined) continue;
    pools.push(poolPlan(name, 'remove', [], c.machines, c.spec.desired, 0));
  }
  pools.sort(byChangeThenName((p) => p.pool));

  const versions = input.versions;
  const old = new Map(input.currentTemplates.map((t) => [t.name, t]));
  const templates: TemplatePlan[] = [];
  for (const t of input.templates) {
    const was = old.get(t.name);
    const fields = templateFields(was, t);
    // The store versions by content: only a real change (or a first use) makes a new version.
    if (!was) templates.push({ template: t.name, change: 'add', fields, ...(versions.has(t.name) ? {} : { version: 1 }) });
    else if (fields.length > 0) templates.push({ template: t.name, change: 'change', fields, version: (versions.get(t.name) ?? 0) + 1 });
  }
  const kept = new Set(input.templates.map((t) => t.name));
  for (const t of input.currentTemplates) if (!kept.has(t.name)) templates.push({ template: t.name, change: 'remove', fields: [] });
  templates.sort(byChangeThenName((t) => t.template));

  return {
    pools,
    templates,
    launch: pools.reduce((n, p) => n + p.launch, 0),
    terminate: pools.reduce((n, p) => n + p.terminate, 0),
    destructive: pools.filter((p) => p.destructive),
    sections: [],
  };
}

function poolPlan(pool: string, change: PoolPlan['change'], fields: FieldChange[], machines: number, from: number, to: number): PoolPlan {
  // The machines there are now, measured against the new size: a pool still growing toward its old size is not "shrunk" by an apply that keeps it.
  const launch = change === 'remove' || to <= from ? 0 : Math.max(0, to - machines);
  const terminate = change === 'remove' ? machines : to >= from ? 0 : Math.max(0, machines - to);
  const destructive = change === 'remove' || terminate * 2 > machines;
  return { pool, change, fields, machines, desired: { from, to }, launch, terminate, destructive };
}

const POOL_FIELDS = ['template', 'provider', 'min', 'max', 'zones', 'labels', 'maxLaunching', 'deletionOrder', 'scaling', 'health', 'hooks'] as const;
/** Fields too long to print: their change is told (set, removed, changed). */
const POLICY_FIELDS: ReadonlySet<string> = new Set(['scaling', 'health', 'hooks']);

function poolFields(before: PoolSpec | undefined, next: PoolSpec, desiredFrom: number, desiredTo: number): FieldChange[] {
  const out: FieldChange[] = [];
  if (!before) {
    out.push({ field: 'template', from: '', to: next.template }, { field: 'min', from: '', to: String(next.min) }, { field: 'max', from: '', to: String(next.max) });
    out.push({ field: 'desired', from: '', to: String(desiredTo) });
    return out;
  }
  for (const field of POOL_FIELDS) {
    const change = fieldChange(field, before[field], next[field]);
    if (change) out.push(change);
  }
  if (desiredFrom !== desiredTo) out.push({ field: 'desired', from: String(desiredFrom), to: String(desiredTo) });
  return out;
}

const TEMPLATE_FIELDS = ['provider', 'image', 'sizes', 'zones', 'userData', 'tags', 'sshUser'] as const;

function templateFields(before: Omit<Template, 'version'> | undefined, next: Omit<Template, 'version'>): FieldChange[] {
  if (!before) return [];
  const out: FieldChange[] = [];
  for (const field of TEMPLATE_FIELDS) {
    const change = fieldChange(field, before[field], next[field]);
    if (change) out.push(change);
  }
  return out;
}

function fieldChange(field: string, a: unknown, b: unknown): FieldChange | undefined {
  const from = show(field, a);
  const to = show(field, b);
  return from === to ? undefined : { field, from, to };
}

/** How a value reads in a plan line: policies are long, so their change is told, not printed. */
function show(field: string, v: unknown): string {
  if (v === undefined || v === null) return POLICY_FIELDS.has(field) ? 'none' : '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return field === 'userData' ? `${String(v).length} bytes` : String(v);
  if (Array.isArray(v)) return `[${v.map(String).join(', ')}]`;
  if (field === 'labels' || field === 'tags') {
    return `{${Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => `${k}=${String(x)}`).join(', ')}}`;
  }
  return canonical(v);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const ORDER = { add: 0, change: 1, remove: 2 } as const;
function byChangeThenName<T extends { change: keyof typeof ORDER }>(name: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => ORDER[a.change] - ORDER[b.change] || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

/** One sentence naming each destructive change of a plan and its count, for a refusal. */
export function describeDestroy(plan: ApplyPlan, file: string): string {
  const what = plan.destructive.map((p) =>
    p.change === 'remove'
      ? `remove pool ${p.pool} (terminating ${p.terminate} of ${p.machines} machines)`
      : `shrink pool ${p.pool} from ${p.desired.from} to ${p.desired.to} (terminating ${p.terminate} of ${p.machines} machines)`,
  );
  return `applying ${file} would ${what.join(' and ')}; nothing was changed`;
}

const SIGN = { add: '+', change: '~', remove: '-' } as const;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The plan as a person reads it, one line per pool and template, then a summary: what `flotte apply` prints. */
export function describeApply(plan: ApplyPlan, file: string): string[] {
  const lines: string[] = [];
  for (const p of plan.pools) {
    const effect = [p.launch > 0 ? `launches ${plural(p.launch, 'machine')}` : '', p.terminate > 0 ? `terminates ${p.terminate} of ${plural(p.machines, 'machine')}` : ''].filter(Boolean).join(', ');
    const what =
      p.change === 'add'
        ? `add (${p.fields.map((f) => `${f.field} ${f.to}`).join(', ')})`
        : p.change === 'remove'
          ? 'remove (drained, then deleted)'
          : p.fields.map(fieldLine).join(', ');
    lines.push(`${SIGN[p.change]} pool ${p.pool}: ${what}${effect ? `: ${effect}` : ''}${p.destructive ? ' (destructive: needs --allow-destroy)' : ''}`);
  }
  for (const t of plan.templates) {
    const what =
      t.change === 'add'
        ? `add${t.version !== undefined ? ` (version ${t.version})` : ''}`
        : t.change === 'remove'
          ? 'no longer in the file (stored versions are kept)'
          : `${t.fields.map(fieldLine).join(', ')} (version ${t.version} for new machines; running ones that differ are replaced by a roll-out, or listed by \`flotte drift\` where \`rollout.mode\` is manual)`;
    lines.push(`${SIGN[t.change]} template ${t.template}: ${what}`);
  }
  for (const section of plan.sections) lines.push(`~ ${section}: changed`);
  if (lines.length === 0) return [`No changes: the fleet already matches ${file}.`];
  if (plan.pools.length === 0 && plan.templates.length === 0) {
    lines.push(`Plan: no pool or template changes, no machine launched or terminated; ${plural(plan.sections.length, 'section')} of ${file} changed.`);
    return lines;
  }
  const count = (c: PoolPlan['change']) => plan.pools.filter((p) => p.change === c).length;
  const counts = [`${count('add')} to add`, `${count('change')} to change`, `${count('remove')} to remove`];
  const templates = plan.templates.length > 0 ? `, ${plural(plan.templates.length, 'template')} changed` : '';
  lines.push(`Plan: pools ${counts.join(', ')}${templates}; ${plan.launch} machines to launch, ${plan.terminate} to terminate.`);
  return lines;
}

function fieldLine(f: FieldChange): string {
  if (POLICY_FIELDS.has(f.field)) return f.from === 'none' ? `${f.field} set` : f.to === 'none' ? `${f.field} removed` : `${f.field} changed`;
  return `${f.field} ${f.from} → ${f.to}`;
}

/** Pools whose machines this plan terminates: what an apply's `allowDestroy` lets past the blast-radius guard. */
export const shrunk = (plan: ApplyPlan): string[] => plan.pools.filter((p) => p.terminate > 0).map((p) => p.pool);
