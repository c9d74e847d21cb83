import { afterEach, describe, expect, it } from 'vitest';
import { primaryAddress } from '../src/domain/addresses.js';
import type { Machine } from '../src/domain/types.js';
import { converged, harness, type Harness } from './support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Counts the machine rows each tick writes, through the store's one write of a tick's changes. */
function countWrites(target: Harness): { rows: Machine[] } {
  const seen = { rows: [] as Machine[] };
  const record = target.store.recordChanges.bind(target.store);
  target.store.recordChanges = (machines, events) => {
    seen.rows.push(...machines);
    return record(machines, events);
  };
  return seen;
}

describe('machine addresses, kept current by the controller (sim)', () => {
  it('records the private address at launch, picks up a public one associated after boot, and writes nothing on quiet ticks', async () => {
    h = await harness({ pools: [{ desired: 3 }] });
    await h.tickUntil(() => converged(h!.store, 3));
    const before = await h.store.listMachines({ pool: 'analysis' });
    for (const m of before) {
      expect(m.addresses).toEqual([{ kind: 'private', value: expect.stringMatching(/^10\.\d+\.\d+\.\d+$/) }]);
      expect(primaryAddress(m.addresses)).toBe(m.addresses[0]!.value);
    }

    const writes = countWrites(h);
    await h.clock.advance(5_000);
    await h.runTick();
    expect(writes.rows).toEqual([]);

    // An Elastic IP associated to one running machine: the next tick records it, and only that machine.
    const late = before[1]!;
    h.sim.associatePublic([late.id]);
    await h.clock.advance(5_000);
    await h.runTick();
    expect(writes.rows.map((m) => m.id)).toEqual([late.id]);
    const after = (await h.store.listMachines({ pool: 'analysis' })).find((m) => m.id === late.id)!;
    expect(after.addresses).toEqual([late.addresses[0], { kind: 'public', value: expect.stringMatching(/^203\.0\.113\.\d+$/) }]);
    // Still ready since the same time: an address is no lifecycle change.
    expect([after.state, after.since]).toEqual(['ready', late.since]);
    expect(primaryAddress(after.addresses)).toBe(late.addresses[0]!.value);

    writes.rows.length = 0;
    await h.clock.advance(5_000);
    await h.runTick();
    expect(writes.rows).toEqual([]);
  });
});
