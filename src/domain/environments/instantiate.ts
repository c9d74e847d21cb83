import type { PoolSpec, Template } from '../types.js';
import type { ReadinessCheck } from './readiness.js';
import { envPoolName, type EnvTemplate, type Environment } from './types.js';

export interface EnvRequest {
  id: string;
  name: string;
  owner: string;
  params: Record<string, string>;
  /** The template's default when absent. */
  ttlMs?: number | undefined;
}

export type Instantiated = { ok: true; env: Environment; pools: PoolSpec[] } | { ok: false; problems: string[] };

/**
 * Turns a template and a request into the environment record and its pools (one per role,
 * `desired` = the role's count, `min` 0 so a release is a scale to zero). Pure: the caller
 * stores both. Unknown or invalid params, and roles whose fleet template is missing, are
 * refused with every problem listed at once.
 */
export function instantiate(tpl: EnvTemplate, req: EnvRequest, fleetTemplates: ReadonlyMap<string, Template>, now: number): Instantiated {
  const problems: string[] = [];
  const params: Record<string, string> = {};
  for (const p of tpl.params) {
    const value = req.params[p.name] ?? p.default;
    if (value === undefined) problems.push(`param ${p.name} is required`);
    else if (p.pattern !== undefined && !new RegExp(`^(?:${p.pattern})$`).test(value)) problems.push(`param ${p.name}="${value}" does not match ${p.pattern}`);
    else params[p.name] = value;
  }
  for (const k of Object.keys(req.params)) if (!tpl.params.some((p) => p.name === k)) problems.push(`template ${tpl.name} has no param ${k} (it has: ${tpl.params.map((p) => p.name).join(', ') || 'none'})`);
  if (req.ttlMs !== undefined && req.ttlMs > tpl.maxTtlMs) problems.push(`ttl ${Math.round(req.ttlMs / 60_000)}m is longer than template ${tpl.name} allows (${Math.round(tpl.maxTtlMs / 60_000)}m)`);
  const pools: PoolSpec[] = [];
  const ready = new Map<string, ReadinessCheck>();
  for (const role of tpl.roles) {
    const text = (t: string) => renderRoleText(t, { id: req.id, name: req.name, params }, role.name);
    if (role.ready) ready.set(role.name, { ...role.ready, target: text(role.ready.target) });
    const fleet = fleetTemplates.get(role.template);
    if (!fleet) {
      problems.push(`role ${role.name}: fleet template ${role.template} does not exist`);
      continue;
    }
    pools.push({
      name: envPoolName(req.id, role.name),
      provider: fleet.provider,
      template: fleet.name,
      min: 0,
      max: role.count,
      desired: role.count,
      zones: fleet.zones,
      labels: { 'flotte:env': req.id, 'flotte:env-role': role.name, 'flotte:owner': req.owner },
      maxLaunching: role.count,
      deletionOrder: 'oldest-first',
      ...(tpl.stopMode === 'shelve' ? { suspendMode: 'shelve' as const } : {}),
      ...(role.userData !== undefined ? { userData: text(role.userData) } : {}),
      ...(ready.has(role.name) ? { readiness: ready.get(role.name) } : {}),
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  const env: Environment = {
    id: req.id,
    name: req.name,
    owner: req.owner,
    template: tpl.name,
    templateVersion: tpl.version,
    params,
    roles: tpl.roles.map((r) => ({ name: r.name, pool: envPoolName(req.id, r.name), template: r.template, count: r.count, readyTimeoutMs: r.readyTimeoutMs, ...(ready.has(r.name) ? { ready: ready.get(r.name) } : {}) })),
    status: 'creating',
    outputs: {},
    createdAt: now,
    expiresAt: now + (req.ttlMs ?? tpl.defaultTtlMs),
  };
  return { ok: true, env, pools };
}

/** What outputs may refer to, once the machines are known. */
export interface OutputFacts {
  machines: ReadonlyMap<string, readonly string[]>;
  /** Role → the primary address of each ready machine, in machine order (`{{roles.r.address}}` is the first). */
  addresses: ReadonlyMap<string, readonly string[]>;
}

/** Fills an output's `{{…}}` placeholders; an unknown one is left visible rather than silently blanked. */
export function renderOutputs(tpl: Record<string, string>, env: Pick<Environment, 'id' | 'name' | 'owner' | 'params'>, facts: OutputFacts): Record<string, string> {
  const lookup = (key: string): string | undefined => {
    const [scope, a, b] = key.split('.');
    if (scope === 'params' && a) return env.params[a];
    if (scope === 'env' && (a === 'id' || a === 'name' || a === 'owner')) return env[a];
    if (scope === 'roles' && a && b === 'machines') return facts.machines.get(a)?.join(',');
    if (scope === 'roles' && a && b === 'addresses') return facts.addresses.get(a)?.join(',');
    if (scope === 'roles' && a && b === 'address') return facts.addresses.get(a)?.[0];
    return undefined;
  };
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(tpl)) out[name] = fill(text, lookup);
  return out;
}

/**
 * A role's user-data, or its readiness check's target, with `{{params.x}}`, `{{env.id}}`,
 * `{{env.name}}` and `{{role}}` filled in. Anything else in braces stays as written:
 * cloud-init's own Jinja templates use `{{ v1.… }}`.
 */
export function renderRoleText(text: string, env: Pick<Environment, 'id' | 'name' | 'params'>, role: string): string {
  return fill(text, (key) => {
    const [scope, a] = key.split('.');
    if (scope === 'params' && a) return env.params[a];
    if (scope === 'env' && (a === 'id' || a === 'name')) return env[a];
    return key === 'role' ? role : undefined;
  });
}

/** Fills `{{key}}` placeholders; one `lookup` does not know is left visible rather than silently blanked. */
const fill = (text: string, lookup: (key: string) => string | undefined): string => text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, key: string) => lookup(key) ?? whole);
