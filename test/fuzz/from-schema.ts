import fc from 'fast-check';

/** The part of JSON Schema (2020-12, as zod's toJSONSchema writes it) the API's request schemas use. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  default?: unknown;
}

/** Values a schema accepts, from the OpenAPI document alone: what a well-behaved client sends. */
export function valid(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(valid));
  switch (schema.type) {
    case 'object': {
      const props = schema.properties ?? {};
      const shape = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, valid(s)]));
      const fixed = fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
      if (typeof schema.additionalProperties === 'object') {
        return fc.tuple(fixed, fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), valid(schema.additionalProperties), { maxKeys: 3 })).map(([a, b]) => ({ ...b, ...a }));
      }
      return fixed;
    }
    case 'array':
      return fc.array(valid(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)) });
    case 'string':
      if (schema.format === 'date-time') return fc.date({ min: new Date(Date.UTC(2020, 0, 1)), max: new Date(Date.UTC(2030, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 24, 24) });
    case 'integer':
      return fc.integer({ min: lower(schema, true), max: upper(schema, true) });
    case 'number':
      return fc.double({ min: lower(schema, false), max: upper(schema, false), noNaN: true, noDefaultInfinity: true, minExcluded: schema.exclusiveMinimum !== undefined, maxExcluded: schema.exclusiveMaximum !== undefined });
    case 'boolean':
      return fc.boolean();
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * Values a schema refuses, built from one that it accepts: a required field gone, a field of
 * the wrong type, one out of range, a field it does not know. Each must get a 400.
 */
export function nearValid(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.type !== 'object' || !schema.properties) return wrongType(schema);
  const props = schema.properties;
  const keys = Object.keys(props);
  const required = schema.required ?? [];
  const options: fc.Arbitrary<unknown>[] = [];
  if (schema.additionalProperties === false) options.push(valid(schema).map((v) => ({ ...(v as object), 'unknown-field': 1 })));
  if (required.length) options.push(fc.tuple(valid(schema), fc.constantFrom(...required)).map(([v, k]) => omit(v as Record<string, unknown>, k)));
  const broken = keys.filter((k) => !('anyOf' in props[k]! && props[k]!.type === undefined));
  if (broken.length) {
    options.push(
      fc.tuple(valid(schema), fc.constantFrom(...broken)).chain(([v, k]) => fc.oneof(wrongType(props[k]!), outOfRange(props[k]!), nearValid(props[k]!)).map((bad) => ({ ...(v as object), [k]: bad }))),
    );
  }
  return options.length ? fc.oneof(...options) : wrongType(schema);
}

function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> {
  const t = schema.type;
  return fc.oneof(
    ...[
      t !== 'string' && !schema.enum ? fc.string({ maxLength: 10 }) : fc.integer(),
      t !== 'object' ? fc.constant({ field: 1 }) : fc.constant([1, 2]),
      t !== 'boolean' ? fc.constant(true) : fc.constant('true'),
      fc.constant(null),
      t !== 'array' ? fc.constant(['a']) : fc.constant('a'),
    ],
  );
}

function outOfRange(schema: JsonSchema): fc.Arbitrary<unknown> {
  const bad: unknown[] = [];
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.minimum !== undefined) bad.push(schema.minimum - 1);
    if (schema.exclusiveMinimum !== undefined) bad.push(schema.exclusiveMinimum);
    if (schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER) bad.push(schema.maximum + 1);
    if (schema.exclusiveMaximum !== undefined) bad.push(schema.exclusiveMaximum);
    if (schema.type === 'integer') bad.push(1.5);
  }
  if (schema.type === 'string') {
    if (schema.minLength) bad.push('');
    if (schema.maxLength !== undefined) bad.push('y'.repeat(schema.maxLength + 1));
    if (schema.enum) bad.push('none-of-these');
    if (schema.pattern || schema.format) bad.push('Not a Match!');
  }
  if (schema.type === 'array' && schema.minItems) bad.push([]);
  return bad.length ? fc.constantFrom(...bad) : wrongType(schema);
}

function omit(v: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _gone, ...rest } = v;
  return rest;
}

function lower(s: JsonSchema, int: boolean): number {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (int ? 1 : 0) : -1e6);
  return Math.max(min, int ? Number.MIN_SAFE_INTEGER : -1e12);
}

function upper(s: JsonSchema, int: boolean): number {
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (int ? 1 : 0) : 1e6);
  return Math.min(max, int ? Number.MAX_SAFE_INTEGER : 1e12);
}
