import { describe, expect, it } from 'vitest';
import type { LaunchIntent } from '../../domain/types.js';
import { openStore } from '../../store/open-store.js';
import { hotStore } from './hot-store.js';

const intent = (id: string, pool = 'p'): LaunchIntent => ({ id, pool, zone: 'a', size: 's', count: 1, templateVersion: 1, createdAt: 0, replaces: [], status: 'open' });

describe('hotStore intents', () => {
  it('lists open intents as a scan of all of them would: in creation order, re-opened ones in place', async () => {
    const store = await hotStore(await openStore(':memory:'));
    try {
      for (const id of ['i1', 'i2', 'i3', 'i4']) await store.createIntent(intent(id, id === 'i4' ? 'q' : 'p'));
      await store.setIntentStatus('i1', 'done');
      await store.setIntentStatus('i3', 'failed');
      expect((await store.listIntents({ pool: 'p', status: 'open' })).map((i) => i.id)).toEqual(['i2']);
      await store.setIntentStatus('i1', 'open');
      await store.createIntent({ ...intent('i3'), count: 2 });
      const open = await store.listIntents({ status: 'open' });
      expect(open.map((i) => [i.id, i.count])).toEqual([['i1', 1], ['i2', 1], ['i3', 2], ['i4', 1]]);
      expect((await store.listIntents({ status: 'done' })).map((i) => i.id)).toEqual([]);
      expect((await store.listIntents()).map((i) => i.status)).toEqual(['open', 'open', 'open', 'open']);
    } finally {
      await store.close();
    }
  });
});
