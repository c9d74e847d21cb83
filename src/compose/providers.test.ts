import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { underLease } from '../control/lease-gate.js';
import { emptyBatch, type BatchResult, type Provider } from '../providers/provider.js';
import { FencedError } from '../store/fence.js';
import { decorateProvider } from './providers.js';

/** A cloud that records the ids of each stop and shelve call; `shelve` only when asked. */
function cloud(withShelve: boolean): { provider: Provider; calls: [string, string[]][] } {
  const calls: [string, string[]][] = [];
  const done = (kind: string) => async (ids: readonly string[]): Promise<BatchResult> => {
    calls.push([kind, [...ids]]);
    return { ...emptyBatch(), done: [...ids] };
  };
  const provider: Provider = {
    name: 'private',
    limits: { idsPerCall: 2, launchPerCall: 10, listGraceMs: 0, buckets: { describe: { capacity: 100, refillPerSecond: 100 }, mutate: { capacity: 100, refillPerSecond: 100 }, launch: { capacity: 100, refillPerSecond: 100 } } },
    capabilities: { stopStart: true, reboot: true, batchLaunch: true },
    launch: async () => ({ launched: [], failed: null }),
    terminate: done('terminate'),
    reboot: done('reboot'),
    stop: done('stop'),
    start: done('start'),
    list: async () => [],
    ...(withShelve ? { shelve: done('shelve') } : {}),
  };
  return { provider, calls };
}

// Shelving is an optional call: each decorator between the controller and the cloud must pass it
// on (or a pool that asks to shelve would silently stop), paced, timed and lease-checked like stop.
describe('decorated providers and shelve', () => {
  const clock = new VirtualClock(Date.parse('2026-12-07T09:00:00Z'));

  it('passes shelve through the limiter, the timing and the lease gate, split by idsPerCall', async () => {
    const { provider, calls } = cloud(true);
    const seen: string[] = [];
    const p = decorateProvider(provider, { clock, observe: (_name, method) => seen.push(method) });
    expect(p.shelve).toBeDefined();
    const r = await p.shelve!(['s-1', 's-2', 's-3']);
    expect(r.done.sort()).toEqual(['s-1', 's-2', 's-3']);
    expect(calls).toEqual([['shelve', ['s-1', 's-2']], ['shelve', ['s-3']]]);
    expect(seen).toEqual(['shelve', 'shelve']);
  });

  it('refuses a shelve once the lease it runs under has moved on', async () => {
    const { provider, calls } = cloud(true);
    const p = decorateProvider(provider, { clock });
    const fence = { lease: 'pool:env-1-db', holder: 'c-1', token: 3 };
    await expect(underLease(fence, async () => false, () => p.shelve!(['s-1']))).rejects.toThrow(FencedError);
    expect(calls).toEqual([]);
    await underLease(fence, async () => true, () => p.shelve!(['s-1']));
    expect(calls).toEqual([['shelve', ['s-1']]]);
  });

  it('offers no shelve for a cloud without one', () => {
    expect(decorateProvider(cloud(false).provider, { clock }).shelve).toBeUndefined();
  });
});
