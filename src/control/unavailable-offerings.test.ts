import { describe, expect, it } from 'vitest';
import { CAPACITY_BACKOFF_MS } from './constants.js';
import { UnavailableOfferings } from './unavailable-offerings.js';

const at = Date.UTC(2026, 11, 6, 9, 0);

describe('UnavailableOfferings', () => {
  it('skips an offering for exactly its TTL, per provider, whichever path marked it', () => {
    const o = new UnavailableOfferings();
    o.mark('aws', 'eu-west-1a', 'm5.large', at);
    o.markOffering('aws', 'eu-west-1b/m6i.large', at + 1_000);
    o.mark('sim', 'sim-a', 'm5.large', at);
    expect(o.of('aws', at + 1_000)).toEqual(new Set(['eu-west-1a/m5.large', 'eu-west-1b/m6i.large']));
    expect(o.of('sim', at + 1_000)).toEqual(new Set(['sim-a/m5.large']));
    expect(o.sizesIn('aws', 'eu-west-1a', at + 1_000)).toEqual(['m5.large']);
    expect(o.of('aws', at + CAPACITY_BACKOFF_MS)).toEqual(new Set(['eu-west-1b/m6i.large']));
    expect(o.of('aws', at + 1_000 + CAPACITY_BACKOFF_MS)).toEqual(new Set());
  });

  it('health strikes count per pool within its window; the third backs the offering off for its provider and spends the strikes', () => {
    const o = new UnavailableOfferings();
    const window = 120_000;
    o.strike('web', 'zone-b/m5.large', at - window - 1); // too old to count
    o.strike('web', 'zone-b/m5.large', at - 60_000);
    o.strike('db', 'zone-b/m5.large', at - 50_000); // another pool's failure is not this pool's evidence
    o.strike('web', 'zone-b/m5.large', at - 10_000);
    expect(o.backOff('web', 'aws', window, at)).toEqual(new Set());
    o.strike('web', 'zone-b/m5.large', at);
    expect(o.backOff('web', 'aws', window, at)).toEqual(new Set(['zone-b/m5.large']));
    expect(o.of('aws', at + 1)).toEqual(new Set(['zone-b/m5.large']));
    expect(o.backOff('web', 'aws', window, at + 1)).toEqual(new Set());
  });
});
