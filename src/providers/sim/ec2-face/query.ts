/**
 * Reading EC2 Query parameters: flat `Name.N.Field` keys, 1-based lists. The SDK's own
 * serializer writes them; this reads back only the shapes the face answers.
 */
export type Params = Map<string, string>;

export function parseForm(body: string): Params {
  return new Map(new URLSearchParams(body));
}

/** `Prefix.1`, `Prefix.2`, … until the first gap. */
export function list(p: Params, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; p.has(`${prefix}.${i}`); i++) out.push(p.get(`${prefix}.${i}`)!);
  return out;
}

/** Indices N for which some `Prefix.N.*` key exists, in order. */
export function indices(p: Params, prefix: string): number[] {
  const out = new Set<number>();
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.`);
  for (const k of p.keys()) {
    const m = re.exec(k);
    if (m) out.add(Number(m[1]));
  }
  return [...out].sort((a, b) => a - b);
}

export interface Filter {
  name: string;
  values: string[];
}

export function filters(p: Params): Filter[] {
  return indices(p, 'Filter').map((i) => ({ name: p.get(`Filter.${i}.Name`) ?? '', values: list(p, `Filter.${i}.Value`) }));
}

/** Tags of the `instance` tag specifications (other resource types are not modelled). */
export function instanceTags(p: Params): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const i of indices(p, 'TagSpecification')) {
    if (p.get(`TagSpecification.${i}.ResourceType`) !== 'instance') continue;
    for (const j of indices(p, `TagSpecification.${i}.Tag`)) {
      const key = p.get(`TagSpecification.${i}.Tag.${j}.Key`);
      if (key !== undefined) tags[key] = p.get(`TagSpecification.${i}.Tag.${j}.Value`) ?? '';
    }
  }
  return tags;
}

export function int(p: Params, key: string): number | undefined {
  const v = p.get(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : Number.NaN;
}
