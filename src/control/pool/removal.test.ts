import { describe, expect, it } from 'vitest';
import { removeIfEmpty } from './removal.js';
import { handTick, listed, machine, spec, T0 } from '../../../test/support/pool-tick.js';

describe('removal phase', () => {
  const removed = spec({ removedAt: T0 - 3_600_000, desired: 0, min: 0 });

  it('deletes a removed pool once nothing of it is left, in the records or the cloud', async () => {
    const t = handTick({ spec: removed, seen: [listed('m-1', { status: 'terminated' })] });
    expect(await removeIfEmpty(t, [])).toBe(true);
    expect(t.mem.removed).toEqual(['web']);
    expect((await t.events()).map((e) => `${e.reason} ${e.message}`)).toEqual(['PoolRemoved web is no longer in the config and has no machine left: deleted']);
  });

  it('waits while a machine, an open intent or a machine the cloud still ends is left; never deletes a pool still configured', async () => {
    const intent = { id: 'li-1', pool: 'web', zone: 'zone-a', size: 'm.small', count: 1, templateVersion: 2, createdAt: T0, replaces: [], status: 'open' as const };
    const cases = [
      handTick({ spec: removed, machines: [machine('m-1', { state: 'terminating' })] }),
      handTick({ spec: removed, seen: [listed('m-1', { status: 'terminating' })] }),
      handTick({ spec: spec() }),
    ];
    for (const t of cases) expect(await removeIfEmpty(t, [])).toBe(false);
    expect(await removeIfEmpty(handTick({ spec: removed }), [intent])).toBe(false);
    expect(cases.flatMap((t) => t.mem.removed)).toEqual([]);
  });
});
