import type { Machine, PoolSpec, Template } from '../types.js';

const sameTags = (a: Record<string, string>, b: Record<string, string>): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();

/**
 * Why a machine no longer matches what its pool would make now, one reason per field, in words
 * (`image ami-1 → ami-2`). Only what a running machine carries counts: a new fall-back size or a
 * new login name makes a new template version and no drift. Empty when the machine matches, or
 * when the version it was made from is unknown (an adopted machine): flotte does not replace
 * what it cannot compare.
 */
export function driftReasons(m: Pick<Machine, 'size' | 'zone' | 'templateVersion'>, made: Template | undefined, now: Template, pool: Pick<PoolSpec, 'zones'>): string[] {
  if (!made || made.version === now.version) return sizeAndZone(m, now, pool);
  const out: string[] = [];
  if (made.image !== now.image) out.push(`image ${made.image} → ${now.image}`);
  if ((made.userData ?? '') !== (now.userData ?? '')) out.push('userData changed');
  const tags = sameTags(made.tags, now.tags);
  if (tags.length) out.push(`tags changed: ${tags.join(', ')}`);
  return [...out, ...sizeAndZone(m, now, pool)];
}

function sizeAndZone(m: Pick<Machine, 'size' | 'zone'>, now: Template, pool: Pick<PoolSpec, 'zones'>): string[] {
  const out: string[] = [];
  if (!now.sizes.includes(m.size)) out.push(`size ${m.size} → ${now.sizes[0]}`);
  const zones = pool.zones.length ? pool.zones : now.zones;
  if (zones.length && m.zone && !zones.includes(m.zone)) out.push(`zone ${m.zone} no longer in [${zones.join(', ')}]`);
  return out;
}
