import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { formatConfigError, validateConfig, type ConfigError, type ParseResult } from '../../src/config/load.js';
import { tempDir } from '../support/process.js';
import { brokenText, mutated, render, style, validFleet } from './fleet-model.js';
import { dotted, expectBlamed, expectLocated } from './located.js';
import { FUZZ_TIMEOUT_MS, fuzzParams, report, tally } from './support.js';

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
    throw new Error(`validateConfig threw on a ${text.length}-char document: ${(e as Error).stack ?? String(e)}`, { cause: e });
  }
  if (result.ok) seen.accepted++;
  else seen.refused++;
  return result;
}

function located(text: string, errors: ConfigError[]): void {
  expectLocated(text, errors, FILE);
  figures.located += errors.length;
}

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
  }, FUZZ_TIMEOUT_MS);

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
  }, FUZZ_TIMEOUT_MS);

  it('text that is no fleet (empty, not a map, broken YAML, alias bombs, towers): refused with a real position, never thrown', () => {
    fc.assert(
      fc.property(brokenText, ({ kind, text }) => {
        const result = load(text);
        expect(result.ok, `${kind} loaded:\n${text.slice(0, 500)}`).toBe(false);
        if (!result.ok) located(text, result.errors);
      }),
      fuzzParams(0.15),
    );
  }, FUZZ_TIMEOUT_MS);

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
  }, FUZZ_TIMEOUT_MS);

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
  }, FUZZ_TIMEOUT_MS);
});
