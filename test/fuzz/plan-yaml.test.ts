import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/api/errors.js';
import { formatConfigError } from '../../src/config/load.js';
import { parsePlan, type PlanParseResult } from '../../src/planner/load.js';
import { fixture, type Fixture } from '../support/route-examples.js';
import { leaves, setAt } from './fleet-model.js';
import { dotted, expectBlamed, expectLocated } from './located.js';
import { FUZZ_TIMEOUT_MS, fuzzParams, nastyString, report, tally } from './support.js';

// plan.yaml, the planner's input, through parsePlan (what `flotte plan -f` and POST /api/v1/plan
// both use): valid plans parse, broken ones are refused at file:line:col, none throws; and a
// share of them through the API route, which must never answer 5xx.

const FILE = 'plan.yaml';
const seen = tally();
const figures = { api: 0, '5xx': 0 };
let fx: Fixture;
let admin: Record<string, string>;
beforeAll(async () => {
  fx = await fixture({ rateLimit: { capacity: 1e9, refillPerSecond: 1e9 } });
  admin = await fx.as('viewer');
});
afterAll(async () => {
  report('plan.yaml', seen, figures);
  await fx?.close();
});

const duration = (min: number, max: number) => fc.oneof(fc.integer({ min, max }), fc.integer({ min: Math.ceil(min / 60), max: Math.floor(max / 60) }).filter((m) => m > 0).map((m) => `${m}m`));

const scenario = (name: string) =>
  fc.record(
    {
      name: fc.constant(name),
      provider: fc.constantFrom('aws', 'openstack', 'on-prem'),
      size: fc.record({ name: fc.constantFrom('m5.large', 'c5.xlarge'), throughput: fc.double({ min: 0.1, max: 50, noNaN: true }), pricePerHour: fc.double({ min: 0, max: 5, noNaN: true }) }),
      market: fc.oneof(fc.constant({ type: 'on-demand' }), fc.record({ type: fc.constant('spot'), interruptionsPerHour: fc.double({ min: 0, max: 1, noNaN: true }) }), fc.record({ type: fc.constant('reserved'), monthlyCost: fc.integer({ min: 0, max: 10_000 }), capacity: fc.integer({ min: 1, max: 50 }) })),
      bootSeconds: fc.integer({ min: 0, max: 120 }).map((min) => ({ min, max: min + 30 })),
      pool: fc.tuple(fc.nat(5), fc.nat(5), fc.integer({ min: 1, max: 10 })).map(([a, b, c]) => ({ min: Math.min(a, c), initial: Math.min(b, c), max: c })),
      scaling: fc.constantFrom({ policies: [{ type: 'target-tracking', metric: 'backlog', target: 10 }] }, { policies: [{ type: 'step', metric: 'load', steps: [{ lower: 0, change: 1 }] }] }, { policies: [{ type: 'schedule', cron: '0 9 * * *', duration: '8h', min: 1 }] }),
    },
    { requiredKeys: ['name', 'provider', 'size', 'pool'] },
  );

/** A valid plan, kept short (an hour or two at 10-60 s steps) so the API can replay it. */
const validPlan = fc
  .record({
    seed: fc.integer({ min: -1_000, max: 1_000 }),
    duration: duration(600, 7_200),
    step: fc.constantFrom(10, 30, 60, '1m'),
    slo: fc.record({ queueDelay: duration(60, 900) }),
    workload: fc.record(
      {
        unit: fc.constantFrom('jobs', 'requests', 'é'),
        trace: fc.oneof(fc.record({ constant: fc.integer({ min: 0, max: 500 }) }), fc.record({ daily: fc.record({ base: fc.integer({ min: 0, max: 100 }), peak: fc.integer({ min: 0, max: 1_000 }) }) }), fc.constant({ csv: '0,10\n1800,40\n3600,5' })),
      },
      { requiredKeys: ['trace'] },
    ),
    names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { minLength: 1, maxLength: 3 }),
  })
  .chain(({ names, ...plan }) => fc.tuple(...names.map(scenario)).map((scenarios) => ({ ...plan, scenarios })));

function parse(text: string): PlanParseResult {
  seen.cases++;
  let result: PlanParseResult;
  try {
    result = parsePlan(text, FILE);
  } catch (e) {
    throw new Error(`parsePlan threw on a ${text.length}-char document: ${(e as Error).stack ?? String(e)}`, { cause: e });
  }
  if (result.ok) seen.accepted++;
  else seen.refused++;
  return result;
}

const WRONG_TYPE = (v: unknown): unknown => (typeof v === 'number' ? 'lots' : typeof v === 'boolean' ? 'maybe' : typeof v === 'string' ? [1, 2] : 'text');

const broken = fc.tuple(validPlan, fc.nat(), fc.constantFrom('wrong-type', 'unknown-key')).map(([plan, n, kind]) => {
  if (kind === 'unknown-key') {
    const maps = leaves(plan).filter((l) => l.value !== null && typeof l.value === 'object' && !Array.isArray(l.value));
    const at = maps[n % maps.length]!;
    return { kind, doc: setAt(plan, [...at.path, 'Bogus_Field'], 1), path: [...at.path, 'Bogus_Field'] };
  }
  const all = leaves(plan).filter((l) => l.path.length > 0 && (l.value === null || typeof l.value !== 'object'));
  const at = all[n % all.length]!;
  return { kind, doc: setAt(plan, at.path, WRONG_TYPE(at.value)), path: at.path };
});

const brokenText = fc.oneof(
  fc.constantFrom('', '# nothing\n', '---\n', '[1, 2]\n', 'just words\n', '{\n  seed: 1\n}\nx: 1\n  y: 2\n', 'duration: [\n', 'a: &a [*a]\n', 'seed: 1\nseed: 2\n'),
  fc.tuple(validPlan, fc.nat(), fc.constantFrom('\t', '[', '{', '"', ':', '&', '*', '\u0000')).map(([plan, n, ch]) => {
    const text = stringify(plan);
    const at = n % (text.length + 1);
    return text.slice(0, at) + ch + text.slice(at);
  }),
  nastyString().map((s) => `duration: ${JSON.stringify(s)}\nscenarios: ${JSON.stringify(s)}\n`),
);

describe('plan.yaml fuzz (parsePlan, in-process)', () => {
  it('a valid plan parses', () => {
    fc.assert(
      fc.property(validPlan, (plan) => {
        const text = stringify(plan);
        const result = parse(text);
        expect(result.ok ? [] : result.errors.map(formatConfigError), text).toEqual([]);
      }),
      fuzzParams(0.3),
    );
  }, FUZZ_TIMEOUT_MS);

  it('one field broken on purpose: refused at file:line:col of the field or a map above it, never thrown', () => {
    fc.assert(
      fc.property(broken, ({ kind, doc, path }) => {
        const text = stringify(doc);
        const result = parse(text);
        expect(result.ok, `${kind} at ${dotted(path)} parsed:\n${text}`).toBe(false);
        if (result.ok) return;
        expectLocated(text, result.errors, FILE);
        expectBlamed(text, result.errors, path);
      }),
      fuzzParams(0.35),
    );
  }, FUZZ_TIMEOUT_MS);

  it('text that is no plan, or a plan damaged at a random byte: never thrown, a refusal is located', () => {
    fc.assert(
      fc.property(brokenText, (text) => {
        const result = parse(text);
        if (!result.ok) expectLocated(text, result.errors, FILE);
      }),
      fuzzParams(0.3),
    );
  }, FUZZ_TIMEOUT_MS);

  it('through POST /api/v1/plan: never a 5xx; a refusal is the documented error shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(validPlan.map((p) => stringify(p)), broken.map((b) => stringify(b.doc)), brokenText), async (source) => {
        seen.cases++;
        figures.api++;
        const res = await fx.app.inject({ method: 'POST', url: '/api/v1/plan', headers: admin, payload: { source, file: FILE } });
        if (res.statusCode >= 500) figures['5xx']++;
        expect(res.statusCode, `${res.body.slice(0, 500)}\n${source.slice(0, 500)}`).toBeLessThan(500);
        if (res.statusCode < 400) return void seen.accepted++;
        seen.refused++;
        const { error } = res.json() as { error: { code: keyof typeof ERROR_CODES; message: string } };
        expect(ERROR_CODES[error.code], res.body).toBe(res.statusCode);
      }),
      fuzzParams(0.05),
    );
  }, FUZZ_TIMEOUT_MS);
});
