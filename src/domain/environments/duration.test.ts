import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('durations people type', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['8h', 28_800_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '8', 'h', '8x', '8 h', '-8h', '1.5h', '8hours', 'x8h', '0s', '0h0m'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [28_800_000, '8h'],
    [5_400_000, '1h30m'],
    [90_061_000, '1d1h1m1s'],
    [59_600, '1m'],
  ])('%i ms reads as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
