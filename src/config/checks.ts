import { ProviderSchema, providerZones } from './schema.js';
import type { Problem } from './issues.js';

type Obj = Record<string, unknown>;

/**
 * Checks across fields and sections that the schema cannot express. They read the raw
 * document and skip whatever is malformed (the schema reports that), so one run reports
 * every problem in the file, not just those left once the shape is right.
 */
export function crossChecks(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  const doc = asObj(raw) ?? {};
  const providers = asObj(doc.providers) ?? {};
  const templates = asObj(doc.templates) ?? {};
  const pools = asObj(doc.pools) ?? {};

  const providerZoneSets = new Map<string, string[]>();
  for (const [name, p] of Object.entries(providers)) {
    const parsed = ProviderSchema.safeParse(p);
    if (parsed.success) providerZoneSets.set(name, providerZones(parsed.data));
  }

  const templateZones = new Map<string, string[] | undefined>();
  for (const [name, t] of Object.entries(templates)) {
    const tpl = asObj(t);
    if (!tpl) continue;
    const at = ['templates', name];
    const provider = tpl.provider;
    if (typeof provider === 'string' && !(provider in providers)) {
      problems.push(missing([...at, 'provider'], 'provider', provider, Object.keys(providers), 'providers'));
    }
    if (tpl.size !== undefined && tpl.sizes !== undefined) {
      problems.push({ path: [...at, 'size'], at: 'key', message: 'both size and sizes are given', hint: 'keep one: sizes lists fall-backs after the first' });
    } else if (tpl.size === undefined && tpl.sizes === undefined) {
      problems.push({ path: [...at, 'sizes'], at: 'value', message: 'no size given', hint: 'add size: <instance type>, or sizes: [preferred, fall-back, …]' });
    }
    for (const key of Object.keys(asObj(tpl.tags) ?? {})) {
      if (key.startsWith('flotte:')) {
        problems.push({ path: [...at, 'tags', key], at: 'key', message: `tag "${key}" uses the reserved flotte: prefix`, hint: 'rename the tag; flotte sets its ownership tags itself' });
      }
    }
    const available = typeof provider === 'string' ? providerZoneSets.get(provider) : undefined;
    const zones = stringList(tpl.zones);
    if (zones && available && available.length > 0) {
      zones.forEach((zone, i) => {
        if (!available.includes(zone)) {
          problems.push({ path: [...at, 'zones', i], at: 'value', message: `zone "${zone}" is not one of provider "${String(provider)}"'s zones (${available.join(', ')})`, hint: `use one of them, or add it to providers.${String(provider)}.zones` });
        }
      });
    }
    templateZones.set(name, zones ?? (available && available.length > 0 ? available : undefined));
  }

  for (const [name, p] of Object.entries(pools)) {
    const pool = asObj(p);
    if (!pool) continue;
    const at = ['pools', name];
    const template = pool.template;
    if (typeof template === 'string' && !(template in templates)) {
      problems.push(missing([...at, 'template'], 'template', template, Object.keys(templates), 'templates'));
    }
    const { min, max, desired } = pool;
    if (isCount(min) && isCount(max) && min > max) {
      problems.push({ path: [...at, 'min'], at: 'value', message: `min (${min}) is greater than max (${max})`, hint: 'set min ≤ max' });
    } else if (isCount(min) && isCount(max) && isCount(desired) && (desired < min || desired > max)) {
      problems.push({ path: [...at, 'desired'], at: 'value', message: `desired (${desired}) is outside [min, max] = [${min}, ${max}]`, hint: 'set desired between min and max, or leave it out to start at min' });
    }
    const allowed = typeof template === 'string' ? templateZones.get(template) : undefined;
    const zones = stringList(pool.zones);
    if (zones && allowed) {
      zones.forEach((zone, i) => {
        if (!allowed.includes(zone)) {
          problems.push({ path: [...at, 'zones', i], at: 'value', message: `zone "${zone}" is not one of template "${String(template)}"'s zones (${allowed.join(', ')})`, hint: 'use a subset of the template\'s zones, or leave zones out to use them all' });
        }
      });
    }
  }
  return problems;
}

function missing(path: string[], kind: string, name: string, known: string[], section: string): Problem {
  const hint = known.length > 0 ? `use one of: ${known.join(', ')}; or define "${name}" under ${section}` : `define "${name}" under ${section}`;
  return { path, at: 'value', message: `${kind} "${name}" is not defined`, hint };
}

function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}
