import { describe, expect, it } from 'vitest';
import { budgetLine, count, duration, previewLines } from './format.js';

describe('dashboard wording', () => {
  it('says a preview in sentences', () => {
    const lines = previewLines({ waves: [100, 100, 100, 100, 100], calls: { mutate: 5, launch: 0 }, apiMs: 0, totalMs: 247_500, machines: 500, durations: { mean: 45_000, max: 60_000, samples: 0 } });
    expect(lines).toEqual([
      '500 machines in 5 batches of 100',
      '5 mutating API calls, 0 launch calls',
      'estimated time: 4 min 8 s',
      'from default durations: mean 45 s, slowest 60 s',
    ]);
  });

  it('says the API budget', () => {
    expect(budgetLine({ operation: { calls: 11, throttled: 2 }, provider: { calls: 61, throttled: 3, buckets: { mutate: { tokens: 150.4, capacity: 200, refillPerSecond: 5 } } } })).toBe(
      'this operation: 11 calls, 2 throttled · provider: 61 calls, 3 throttled · mutate bucket 150/200 (+5/s)',
    );
  });

  it('counts in the singular for one and the plural otherwise', () => {
    expect(count(1, 'machine')).toBe('1 machine');
    expect(count(0, 'machine')).toBe('0 machines');
    expect(count(1_200, 'machine')).toBe('1,200 machines');
    expect(count(1, 'batch', 'batches')).toBe('1 batch');
    expect(count(2, 'batch', 'batches')).toBe('2 batches');
    expect(previewLines({ waves: [1], calls: { mutate: 1, launch: 1 }, machines: 1 })).toEqual(['1 machine in 1 batch of 1', '1 mutating API call, 1 launch call']);
  });

  it('rounds durations to what a person reads', () => {
    expect(duration(59_400)).toBe('59 s');
    expect(duration(3_600_000 * 2 + 60_000 * 5)).toBe('2 h 5 min');
  });
});
