import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { formatConfigError, validateConfig, type ConfigError, type ParseResult } from '../../src/config/load.js';
import { tempDir } from '../support/process.js';
import { leaves, setAt, validFleet } from './fleet-model.js';
import { dotted, expectBlamed, expectLocated } from './located.js';
import { fuzzParams, nastyString, report, tally } from './support.js';

// flotte.yaml through THE check every door uses (validateConfig), in-process for volume: valid
// documents from a model of the schema load; broken ones (one mutation of a valid one) are
// refused with `file:line:col: field.path: ...` at a real place in the text; none throws.
// FLOTTE_FUZZ_RUNS documents in all, shared among the properties below.

const FILE = 'flotte.yaml';
// No clouds.yaml anywhere and no OS_* variables: an OpenStack provider can only fail to resolve.
const nowhere = tempDir('flotte-fuzz-clouds-');
const ENV = { clouds: { env: {}, cwd: nowhere, home: nowhere } };
const seen = tally();
const figures = { located: 0 };
afterAll(() => report('flotte.yaml', seen, figures));

/** The loader never throws: whatever the text, an answer comes back. */
function load(text: string): ParseResult {
  seen.cases++;
  let result: ParseResult;
  try {
    result = validateConfig(text, FILE, ENV);
  } catch (e) {
    throw new Error(`validateConfig threw on a ${text.length}-char document: ${(e as Error).stack ?? String(e)}`);
  }
  if (result.ok) seen.accepted++;
  else seen.refused++;
  return result;
}

function located(text: string, errors: ConfigError[]): void {
  expectLocated(text, errors, FILE);
  figures.located += errors.length;
}

const style = fc.record({ indent: fc.constantFrom(2, 4), flow: fc.boolean() });
const render = (doc: unknown, s: { indent: number; flow: boolean }) => stringify(doc, { indent: s.indent, ...(s.flow ? { collectionStyle: 'flow' as const } : {}) });

/** Which fields take which out-of-range value (from the schemas' bounds). */
const OUT_OF_RANGE: Record<string, unknown> = {
  min: -1, max: -1, desired: -1, maxLaunching: 0, blastRadius: 1.5, launchFailureRate: 2, deathRatePerHour: -0.5,
  heartbeatInterval: 0, heartbeatTimeout: -3, port: 70_000, maxAttempts: 11, share: 0, count: 101, maxRows: 10,
  peakHour: 25, maxReplacing: 0, maxCpu: 1.01, target: 0, window: 0, absolute: 0, bootSeconds: -1,
};
const DURATIONS = new Set(['evaluationInterval', 'scaleIn', 'scaleOut', 'ttl', 'after', 'maxAge', 'duration']);
/** Free-form maps whose keys are data (labels, tags…): a stray key there is an entry, not a typo. */
const WRONG_TYPE = (v: unknown): unknown => (typeof v === 'number' ? 'lots' : typeof v === 'boolean' ? 'maybe' : typeof v === 'string' ? [1, 2] : v === null ? [] : 'text');

type Mutation = { kind: string; doc: unknown; path: (string | number)[]; key?: string };

/** One thing broken on purpose in a valid document, and where the error must point. */
const mutated: fc.Arbitrary<Mutation> = fc
  .tuple(validFleet, fc.nat(), fc.constantFrom('wrong-type', 'unknown-key', 'out-of-range', 'bad-duration', 'missing-field', 'bad-name'))
  .map(([doc, n, kind]): Mutation => {
    const all = leaves(doc).filter((l) => l.path.length > 0);
    const choose = <T>(list: T[]): T | undefined => (list.length ? list[n % list.length] : undefined);
    const last = (l: { path: (string | number)[] }) => l.path[l.path.length - 1];
    if (kind === 'unknown-key') {
      const maps = leaves(doc).filter((l) => l.value !== null && typeof l.value === 'object' && !Array.isArray(l.value));
      const at = choose(maps)!;
      return { kind, doc: setAt(doc, [...at.path, 'Bogus_Field'], [1]), path: [...at.path, 'Bogus_Field'], key: 'Bogus_Field' };
    }
    if (kind === 'out-of-range') {
      const at = choose(all.filter((l) => typeof l.value === 'number' && String(last(l)) in OUT_OF_RANGE));
      if (at) return { kind, doc: setAt(doc, at.path, OUT_OF_RANGE[String(last(at))]), path: at.path };
    }
    if (kind === 'bad-duration') {
      const at = choose(all.filter((l) => DURATIONS.has(String(last(l))) && (typeof l.value === 'string' || typeof l.value === 'number')));
      if (at) return { kind, doc: setAt(doc, at.path, '5 minutes'), path: at.path };
    }
    if (kind === 'missing-field') {
      // Required fields only: a schedule policy's min and max are optional.
      const required = (l: { path: (string | number)[] }) =>
        ['template', 'provider', 'type', 'image', 'policies', 'roles', 'command'].includes(String(last(l))) ||
        (['min', 'max'].includes(String(last(l))) && !l.path.includes('policies'));
      const at = choose(all.filter((l) => required(l) && l.path.length >= 3));
      if (at) return { kind, doc: setAt(doc, at.path, undefined, true), path: at.path };
    }
    if (kind === 'bad-name') {
      const at = choose(all.filter((l) => l.path.length === 2 && ['providers', 'templates', 'pools'].includes(String(l.path[0]))));
      if (at) {
        const bad = `Bad_${String(at.path[1])}`;
        const section = { ...(doc as Record<string, Record<string, unknown>>)[String(at.path[0])] };
        section[bad] = section[String(at.path[1])];
        delete section[String(at.path[1])];
        return { kind, doc: setAt(doc, [at.path[0]!], section), path: [at.path[0]!, bad], key: bad };
      }
    }
    const at = choose(all.filter((l) => l.value === null || typeof l.value !== 'object'))!;
    return { kind: 'wrong-type', doc: setAt(doc, at.path, WRONG_TYPE(at.value)), path: at.path };
  });

/** Text that is never a fleet: empty, not a map, broken YAML, bombs and towers. */
const brokenText: fc.Arbitrary<{ kind: string; text: string }> = fc.oneof(
  fc.constantFrom('', '\n\n  \n', '# only a comment\n', '---\n', '...\n', '~\n', 'null\n').map((text) => ({ kind: 'empty', text })),
  fc.oneof(fc.integer(), fc.string({ maxLength: 30 }).filter((s) => s.trim() !== '' && !/[:#{}[\]&*!|>'"%@`,\-?]/.test(s)), fc.constant('[a, b]'), fc.constant('- a\n- b\n')).map((v) => ({ kind: 'not-a-map', text: String(v) })),
  fc.tuple(validFleet, style, fc.constantFrom('extra: [1, 2\n', 'cluster: x\n', 'pools: {a: 1\n', '"unclosed: 1\n', 'a:\n\t- tab\n', 'x: 1\n  y: 2\n', ': : :\n', 'key: value: other\n', '? [a, b\n')).map(([doc, s, tail]) => ({ kind: 'syntax', text: `${render(doc, s)}${tail}` })),
  fc.integer({ min: 100, max: 5_000 }).map((n) => ({ kind: 'deep', text: `pools: ${'['.repeat(n)}${']'.repeat(n)}\n` })),
  fc.integer({ min: 100, max: 5_000 }).map((n) => ({ kind: 'deep-map', text: `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n` })),
  fc.constant({ kind: 'alias-bomb', text: `a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`).join('\n')}\n` }),
  nastyString().map((s) => ({ kind: 'nasty', text: `cluster: ${JSON.stringify(s)}\npools: { ${JSON.stringify(s)}: 1 }\n` })),
);

describe('flotte.yaml fuzz (validateConfig, in-process)', () => {
  it('a valid document, in any style, loads with every pool it declares', () => {
    fc.assert(
      fc.property(validFleet, style, (doc, s) => {
        const text = render(doc, s);
        const result = load(text);
        expect(result.ok ? [] : result.errors.map(formatConfigError), text).toEqual([]);
        if (result.ok) expect(result.applied.pools.map((p) => p.name).sort()).toEqual(Object.keys(doc.pools as object).sort());
      }),
      fuzzParams(0.3),
    );
  });

  it('one field broken on purpose: refused, never thrown, each error at file:line:col of the field (or the map holding it)', () => {
    fc.assert(
      fc.property(mutated, style, (m, s) => {
        const text = render(m.doc, s);
        const result = load(text);
        expect(result.ok, `${m.kind} at ${dotted(m.path)} loaded:\n${text}`).toBe(false);
        if (result.ok) return;
        located(text, result.errors);
        expectBlamed(text, result.errors, m.path, s.flow ? undefined : m.key);
      }),
      fuzzParams(0.3),
    );
  });

  it('text that is no fleet (empty, not a map, broken YAML, alias bombs, towers): refused with a real position, never thrown', () => {
    fc.assert(
      fc.property(brokenText, ({ kind, text }) => {
        const result = load(text);
        expect(result.ok, `${kind} loaded:\n${text.slice(0, 500)}`).toBe(false);
        if (!result.ok) located(text, result.errors);
      }),
      fuzzParams(0.15),
    );
  });

  it('a valid document damaged at random bytes (cut, inserted, deleted) never throws; a refusal is located', () => {
    const damage = fc.tuple(validFleet, style, fc.nat(), fc.constantFrom('cut', 'insert', 'delete'), fc.constantFrom(':', '\t', '[', '{', '"', "'", '&', '*', '!', '|', '>', '-', '#', '%', '@', '\u0000', '\ufeff', '\u2028', '\r', '\n  '));
    fc.assert(
      fc.property(damage, ([doc, s, n, how, ch]) => {
        const good = render(doc, s);
        const at = n % (good.length + 1);
        const text = how === 'cut' ? good.slice(0, at) : how === 'insert' ? good.slice(0, at) + ch + good.slice(at) : good.slice(0, at) + good.slice(at + 1);
        const result = load(text);
        if (!result.ok) located(text, result.errors);
      }),
      fuzzParams(0.25),
    );
  });

  it('a huge document (thousands of pools, megabyte values) loads or is refused, without throwing', () => {
    fc.assert(
      fc.property(validFleet, fc.integer({ min: 1_000, max: 3_000 }), fc.boolean(), (doc, n, breakOne) => {
        const template = Object.keys(doc.templates as object)[0]!;
        const pools: Record<string, unknown> = Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { template, min: 0, max: 3, labels: { note: i === 7 ? 'x'.repeat(1_000_000) : 'n' } }]));
        if (breakOne) pools[`p${n - 1}`] = { template, min: 'lots', max: 3 };
        const text = stringify({ ...doc, pools });
        const result = load(text);
        expect(result.ok).toBe(!breakOne);
        if (!result.ok) {
          located(text, result.errors);
          expect(result.errors.map((e) => e.path)).toEqual([`pools.p${n - 1}.min`]);
        }
      }),
      fuzzParams(0.002),
    );
  });
});
