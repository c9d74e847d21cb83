import fc from 'fast-check';

/**
 * Run size and seed of every fuzz property. The default (1,000 cases per property, a fixed
 * seed) is what CI runs; `npm run fuzz` raises it to the acceptance size. A failure prints the
 * seed and the path of the shrunk case, so `FLOTTE_FUZZ_SEED=<seed>` replays it exactly.
 */
export const FUZZ_RUNS = positive(process.env.FLOTTE_FUZZ_RUNS, 1_000);
export const FUZZ_SEED = integer(process.env.FLOTTE_FUZZ_SEED, 20261206);

/** fast-check parameters for a property: `share` scales the run for the slower ones (real processes). */
export function fuzzParams<T>(share = 1): fc.Parameters<T> {
  return { numRuns: Math.max(1, Math.round(FUZZ_RUNS * share)), seed: FUZZ_SEED, endOnFailure: false };
}

/** Figures each property adds to, printed at the end of a run (`npm run fuzz` reports them). */
export interface Tally {
  cases: number;
  refused: number;
  accepted: number;
}

export const tally = (): Tally => ({ cases: 0, refused: 0, accepted: 0 });

export function report(what: string, t: Tally, extra: Record<string, number> = {}): void {
  const rest = Object.entries(extra).map(([k, v]) => `, ${k} ${v}`).join('');
  process.stdout.write(`fuzz ${what}: ${t.cases} cases (${t.accepted} accepted, ${t.refused} refused${rest}), seed ${FUZZ_SEED}\n`);
}

/** Strings that have broken parsers and routers before: traversal, NUL, odd unicode, huge. */
export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('', ' ', '..', '../..', '../../etc/passwd', '%00', 'a%00b', '\u0000', '%2e%2e%2f', '..%2f..%2f', '%', '%zz', '\u202e', '\ud800', '\uffff', 'ﬀ', 'Ω', '😀', 'a\nb', '\r\n', '__proto__', 'constructor', 'toString', 'null', 'undefined', 'NaN', '-1', '1e309', '0x10', '${x}', '{{x}}', "'; drop table pools; --", '<script>'),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  );

function positive(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

function integer(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isInteger(n) ? n : fallback;
}

/** A test's time limit that grows with the run: 180 s (vitest.config.ts) covers the CI size on a busy machine. */
export const FUZZ_TIMEOUT_MS = Math.max(180_000, FUZZ_RUNS * 180);
