import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { ProviderError, type Provider, type SizeFacts } from '../providers/provider.js';
import { SIZE_CATALOG_TTL_MS, sizeCatalog } from './size-catalog.js';

describe('size catalog', () => {
  it('merges what each cloud describes, asks each at most once per period, and keeps the last answer of a cloud that fails while asking it again', async () => {
    const clock = new VirtualClock(Date.parse('2026-12-07T09:00:00Z'));
    let asked = 0;
    let answer: () => Record<string, SizeFacts> = () => ({ 'm1.tiny': { vcpus: 1, memoryGb: 0.5 }, 'm1.small': { vcpus: 1, memoryGb: 2 } });
    const nova = {
      sizes: async () => {
        asked++;
        return answer();
      },
    };
    const clouds = new Map<string, Pick<Provider, 'sizes'>>([['private', nova], ['aws', {}]]);
    const catalog = sizeCatalog(clouds, clock);
    expect(await catalog()).toEqual({ 'm1.tiny': { vcpus: 1, memoryGb: 0.5 }, 'm1.small': { vcpus: 1, memoryGb: 2 } });
    await clock.advance(SIZE_CATALOG_TTL_MS - 1);
    await catalog();
    expect(asked).toBe(1);

    answer = () => {
      throw new ProviderError('unavailable', 'nova is down');
    };
    await clock.advance(1);
    expect(await catalog()).toEqual({ 'm1.tiny': { vcpus: 1, memoryGb: 0.5 }, 'm1.small': { vcpus: 1, memoryGb: 2 } });
    await catalog();
    expect(asked).toBe(3);

    answer = () => ({ 'm1.large': { vcpus: 4, memoryGb: 8 } });
    await clock.advance(SIZE_CATALOG_TTL_MS);
    expect(await catalog()).toEqual({ 'm1.large': { vcpus: 4, memoryGb: 8 } });
  });
});
