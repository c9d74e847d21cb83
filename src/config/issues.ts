import type { z } from 'zod';
import { CLUSTER_RE, NAME_RE, SSH_USER_RE } from './schema.js';
import type { Segment } from './locate.js';

/** One thing wrong with the file, before it is given a line and column. */
export interface Problem {
  path: Segment[];
  /** Point at the key (unknown fields, bad names) or at the value. */
  at: 'key' | 'value';
  message: string;
  hint: string;
}

type Issue = z.core.$ZodIssue;

const NAME_HINT = 'use lowercase letters, digits and dashes, starting with a letter, at most 63 characters';

const PATTERNS: Record<string, { what: string; hint: string }> = {
  [String(NAME_RE)]: { what: 'is not a valid name', hint: NAME_HINT },
  [String(CLUSTER_RE)]: {
    what: 'is not a valid cluster name',
    hint: 'use lowercase letters, digits and dashes, at most 63 characters',
  },
  [String(SSH_USER_RE)]: { what: 'is not a login name', hint: "name the image's login, e.g. ubuntu or ec2-user: lowercase letters, digits, _ . and -" },
};

const KINDS: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a map of fields',
  record: 'a map',
  array: 'a list',
};

/** Turns one zod issue into what the user reads: what is wrong, and what to do. */
export function describeIssue(issue: Issue, schema: z.ZodType, raw: unknown): Problem[] {
  const path = issue.path.filter((s): s is Segment => typeof s !== 'symbol');
  const field = String(path[path.length - 1] ?? 'the file');
  const input = valueAt(raw, path);
  switch (issue.code) {
    case 'invalid_type': {
      const kind = KINDS[issue.expected] ?? issue.expected;
      if (path.length === 0) {
        return [value(path, `the file must be a map of fields, got ${show(input)}`, 'write cluster, providers, templates and pools at the top level')];
      }
      if (input === undefined) {
        return [value(path, `${field} is missing`, `add ${field}: <${kind}>`)];
      }
      if (input === null) {
        return [value(path, `${field} has no value`, `write ${field}: <${kind}>, or remove the line`)];
      }
      return [value(path, `expected ${kind}, got ${show(input)}`, typeHint(issue.expected, input, field))];
    }
    case 'unrecognized_keys': {
      const known = knownKeys(schema, path, raw);
      return issue.keys.map((key) => {
        const near = closest(key, known);
        const hint = near
          ? `did you mean "${near}"?`
          : known.length > 0
            ? `remove it; known fields: ${known.join(', ')}`
            : 'remove it';
        return { path: [...path, key], at: 'key' as const, message: `unknown field "${key}"`, hint };
      });
    }
    case 'invalid_key': {
      return [{ path, at: 'key', message: `"${field}" is not a valid name`, hint: NAME_HINT }];
    }
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      if (discriminator !== undefined) {
        const at = path[path.length - 1] === discriminator ? path : [...path, discriminator];
        const given = valueAt(raw, at);
        return given === undefined
          ? [value(at, `${discriminator} is missing`, `add ${discriminator}: one of ${options.join(', ')}`)]
          : [value(at, `unknown ${discriminator} ${show(given)}`, `use one of: ${options.join(', ')}`)];
      }
      return [value(path, 'does not match any allowed form', 'check this field against the flotte.yaml reference')];
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      return [value(path, `${show(input)} is not allowed`, `use one of: ${options.join(', ')}`)];
    }
    case 'invalid_format': {
      const known = issue.pattern ? PATTERNS[issue.pattern] : undefined;
      if (known) return [value(path, `${show(input)} ${known.what}`, known.hint)];
      if (issue.format === 'datetime') {
        return [value(path, `${show(input)} is not a date and time`, 'write ISO 8601 with a zone, e.g. 2025-01-31T14:00:00Z')];
      }
      return [value(path, `${show(input)} is not a valid ${issue.format}`, `write a valid ${issue.format}`)];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      const op = small ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
      if (issue.origin === 'array') {
        return [value(path, `needs ${small ? 'at least' : 'at most'} ${bound} item(s)`, small ? 'add items to the list' : 'remove items from the list')];
      }
      if (issue.origin === 'string') {
        return [value(path, small ? 'must not be empty' : `is longer than ${bound} characters`, small ? 'write a value' : 'shorten it')];
      }
      return [value(path, `${show(input)} is out of range: must be ${op} ${bound}`, `use a value ${op} ${bound}`)];
    }
    case 'custom': {
      const hint = (issue.params as { hint?: string } | undefined)?.hint ?? 'fix the value';
      return [value(path, issue.message, hint)];
    }
    default:
      return [value(path, issue.message, 'check this field against the flotte.yaml reference')];
  }
}

function value(path: Segment[], message: string, hint: string): Problem {
  return { path, at: 'value', message, hint };
}

function typeHint(expected: string, input: unknown, field: string): string {
  if ((expected === 'number' || expected === 'int') && typeof input === 'string' && input.trim() !== '' && !Number.isNaN(Number(input))) {
    return 'remove the quotes';
  }
  if (expected === 'int' && typeof input === 'number') return 'use a whole number';
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) return 'put the value in quotes';
  if (expected === 'array' && typeof input === 'string') return `write a list: ${field}: [${input}]`;
  return `write ${KINDS[expected] ?? expected}`;
}

function show(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return String(v);
}

export function valueAt(raw: unknown, path: readonly Segment[]): unknown {
  let v = raw;
  for (const s of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<Segment, unknown>)[s];
  }
  return v;
}

/** The fields a strict object at `path` accepts, found by walking the schema alongside the data. */
function knownKeys(schema: z.ZodType, path: readonly Segment[], raw: unknown): string[] {
  let def = defOf(schema, raw);
  let data = raw;
  for (const s of path) {
    data = valueAt(data, [s]);
    if (!def) return [];
    if (def.type === 'object') def = defOf(def.shape?.[String(s)], data);
    else if (def.type === 'record') def = defOf(def.valueType, data);
    else if (def.type === 'array') def = defOf(def.element, data);
    else return [];
  }
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

interface AnyDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
}

/** Sees through wrappers (default, optional, pipe) and picks the union member the data chose. */
function defOf(schema: z.ZodType | undefined, data: unknown): AnyDef | undefined {
  let def = schema?._zod.def as AnyDef | undefined;
  while (def) {
    if (def.innerType) def = def.innerType._zod.def as AnyDef;
    else if (def.type === 'pipe' && def.in) def = def.in._zod.def as AnyDef;
    else if (def.type === 'union' && def.options) {
      const tag = def.discriminator ? valueAt(data, [def.discriminator]) : undefined;
      const chosen = def.options.find((o) => {
        const d = o._zod.def as AnyDef;
        const lit = d.shape && def?.discriminator ? (d.shape[def.discriminator]?._zod.def as AnyDef | undefined) : undefined;
        return lit?.values?.includes(tag);
      });
      def = chosen?._zod.def as AnyDef | undefined;
      if (!chosen) return undefined;
    } else return def;
  }
  return undefined;
}

/** The known field nearest to a misspelt one, if it is near enough to be a typo. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
