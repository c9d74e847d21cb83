import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.js';
import { harness, type Harness } from '../../test/support/harness.js';
import { tempDir } from '../../test/support/process.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * A tick's machine rows and the events that tell of them are one write. They were two: a crash
 * or a refused write between them left machines in their new state with no event, and no later
 * tick would write it (the state had not changed since).
 */
describe('a tick writes its machines and their events together', () => {
  it('when the events cannot be written, the machines keep their old state; once writes work, each change comes with its event', async () => {
    const file = join(tempDir(), 'state.db');
    h = await harness({ store: await openStore(file), pools: [{ desired: 3 }], sim: { bootSeconds: { min: 20, max: 30 } } });
    const env = h;
    const states = async () => (await env.store.listMachines({ pool: 'analysis' })).map((m) => m.state).sort();
    await env.runTick();
    expect(await states()).toEqual(['booting', 'booting', 'booting']);

    // The database refuses events (a trigger, as a full disk or a broken table would) in the tick where the machines turn ready.
    const db = new Sqlite(file);
    try {
      db.exec(`CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'events refused'); END`);
      await env.clock.advance(60_000);
      await env.runTick();
      expect(await states()).toEqual(['booting', 'booting', 'booting']);
      db.exec('DROP TRIGGER refuse_events');
    } finally {
      db.close();
    }

    await env.runTick();
    expect(await states()).toEqual(['ready', 'ready', 'ready']);
    const ready = (await env.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'Ready');
    expect(ready.map((e) => e.machine).sort()).toEqual((await env.store.listMachines({ pool: 'analysis' })).map((m) => m.id).sort());
  });
});
