import { describe, expect, it } from 'vitest';
import type { Machine } from '../domain/types.js';
import { withFencing, type Fence, type Fencing } from './fence.js';
import type { FencedWrites } from './ports.js';

const HELD: Fence = { lease: 'pool:web', holder: 'c1', token: 3 };
const OTHER: Fence = { lease: 'pool:web', holder: 'c2', token: 4 };

/** A store that records the fence each write arrived with. */
function recording() {
  const seen: [string, Fence | undefined][] = [];
  const store: FencedWrites & { listPools(): Promise<string[]> } = {
    saveMachines: async (_ms, fence) => void seen.push(['saveMachines', fence]),
    createIntent: async (_i, fence) => void seen.push(['createIntent', fence]),
    setIntentStatus: async (_id, _s, fence) => void seen.push(['setIntentStatus', fence]),
    markIntentSent: async (_id, _at, fence) => void seen.push(['markIntentSent', fence]),
    appendEvents: async (_es, fence) => (seen.push(['appendEvents', fence]), []),
    recordChanges: async (_ms, _es, fence) => (seen.push(['recordChanges', fence]), []),
    listPools: async () => ['web'],
  };
  return { store, seen };
}

describe('withFencing', () => {
  it('stamps every fenced write with the picked fence, keeps a fence the caller passed, and leaves the rest alone', async () => {
    const { store, seen } = recording();
    const fenced = withFencing(store, (given) => given ?? HELD);
    await fenced.saveMachines([] as Machine[]);
    await fenced.createIntent({} as never);
    await fenced.setIntentStatus('li-1', 'done');
    await fenced.markIntentSent('li-1', 1);
    await fenced.appendEvents([]);
    await fenced.appendEvents([], OTHER);
    await fenced.recordChanges([], []);
    expect(seen).toEqual([
      ['saveMachines', HELD],
      ['createIntent', HELD],
      ['setIntentStatus', HELD],
      ['markIntentSent', HELD],
      ['appendEvents', HELD],
      ['appendEvents', OTHER],
      ['recordChanges', HELD],
    ]);
    expect(await fenced.listPools()).toEqual(['web']);
  });

  it('writes without a fence when the rule picks none (outside a lease)', async () => {
    const { store, seen } = recording();
    await withFencing(store, (given) => given).saveMachines([]);
    expect(seen).toEqual([['saveMachines', undefined]]);
  });

  it('needs an entry for every write of a port: one left out does not compile', () => {
    type Port = { write(x: number, fence?: Fence): Promise<void>; other(fence?: Fence): Promise<void> };
    // @ts-expect-error `other` has no entry
    const partial: Fencing<Port> = { write: (p, pick) => (x, fence) => p.write(x, pick(fence)) };
    expect(Object.keys(partial)).toEqual(['write']);
  });
});
