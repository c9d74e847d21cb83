import { parseDuration } from '../domain/environments/duration.js';
import { CliError } from './client.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

export interface DurationRule {
  /** What a bare number counts; without it a unit is required (the server's own format). */
  bare?: Unit | undefined;
  /** A valid value, for the message. */
  example: string;
  /** Whether 0 is allowed (a bake of 0s); otherwise a duration must be above zero. */
  zero?: boolean;
}

/**
 * A duration flag in ms, checked before any request is sent: a value that is not a duration,
 * negative, or zero where that means nothing is refused (exit 2) naming the flag and a valid
 * value, instead of turning into "no limit" or a failure after the change was made.
 * Takes `90s`, `5m`, `1h`, `2d`, `250ms`, sums like `1h30m`, and bare numbers where `bare` says.
 */
export function durationFlag(flag: string, text: string, rule: DurationRule): number {
  const t = text.trim();
  const single = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(t);
  let ms: number | undefined;
  if (single && (single[2] !== undefined || rule.bare !== undefined)) ms = Number(single[1]) * UNIT_MS[(single[2] ?? rule.bare) as Unit];
  else ms = parseDuration(t);
  if (ms === undefined || !Number.isFinite(ms) || (ms === 0 && !rule.zero)) {
    const bare = rule.bare ? `; a bare number counts ${rule.bare === 'ms' ? 'milliseconds' : rule.bare === 's' ? 'seconds' : rule.bare}` : '';
    throw new CliError(`${flag} takes a duration ${rule.zero ? '' : 'above zero '}like ${rule.example}${bare}; got "${text}" (nothing was sent)`, 2);
  }
  return ms;
}

/** A server-side duration (`--ttl 8h`): checked here with the server's own parser, sent as written. */
export function serverDurationFlag(flag: string, text: string, example: string): string {
  durationFlag(flag, text, { example });
  return text.trim();
}

/**
 * A count flag (`--limit 20`, `--batch-size 5`), checked before any request is sent: anything
 * but a whole number of at least `min` is refused (exit 2) naming the flag, instead of `--limit 0`
 * or `--limit ten` quietly meaning "everything".
 */
export function wholeNumberFlag(flag: string, text: string, min: number): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(n) || n < min) throw new CliError(`${flag} takes a whole number${min > 0 ? ` of at least ${min}` : ''}, got "${text}" (nothing was sent)`, 2);
  return n;
}
