import { describe, expect, it } from 'vitest';
import { CliError } from './client.js';
import { durationFlag, wholeNumberFlag } from './flags.js';

const refused = (f: () => unknown): CliError => {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('durationFlag', () => {
  it.each([
    ['600', 600_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2.5s', 2_500],
    ['250ms', 250],
  ])('--timeout %s is %d ms', (text, ms) => {
    expect(durationFlag('--timeout', text, { bare: 's', example: '90s, 5m or 1h' })).toBe(ms);
  });

  it.each(['abc', '-5', '0', '', '5 minutes', 'Infinity', '1e3'])('--timeout "%s" is refused with exit 2, naming the flag and a valid value', (text) => {
    const e = refused(() => durationFlag('--timeout', text, { bare: 's', example: '90s, 5m or 1h' }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`--timeout takes a duration above zero like 90s, 5m or 1h; a bare number counts seconds; got "${text}" (nothing was sent)`);
  });

  it('zero is allowed where it means something (no bake), and a unit is required where the server wants one', () => {
    expect(durationFlag('--bake', '0s', { example: '60s', zero: true })).toBe(0);
    expect(refused(() => durationFlag('--ttl', '8', { example: '8h' })).message).toMatch(/^--ttl takes a duration above zero like 8h; got "8"/);
  });
});

describe('wholeNumberFlag', () => {
  it('takes a whole number of at least the minimum', () => {
    expect(wholeNumberFlag('--limit', '20', 1)).toBe(20);
    expect(wholeNumberFlag('--limit', '1', 1)).toBe(1);
    expect(wholeNumberFlag('--batch-size', '0', 0)).toBe(0);
    // `flotte events --limit 0 --follow`: none of the past, only what comes.
    expect(wholeNumberFlag('--limit', '0', 0)).toBe(0);
    expect(refused(() => wholeNumberFlag('--limit', '-1', 0)).message).toBe('--limit takes a whole number, got "-1" (nothing was sent)');
  });

  it.each(['0', '-3', '2.5', 'ten', '', ' ', '1e400'])('refuses --limit %j naming the flag, exit 2, nothing sent (it used to mean "everything")', (text) => {
    const e = refused(() => wholeNumberFlag('--limit', text, 1));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`--limit takes a whole number of at least 1, got "${text}" (nothing was sent)`);
  });
});
