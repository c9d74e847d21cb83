import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.js';
import type { LaunchIntent, Machine, PoolSpec } from '../../domain/types.js';
import { SimCloud, simOptions } from '../../providers/sim/index.js';
import { loadState } from '../../providers/sim/sim-state.js';
import { launchRequest } from '../../../test/support/launch-request.js';
import { reconcileLedger } from './ledger.js';

const T0 = Date.UTC(2026, 11, 6, 9);
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const intent = (id: string, count: number): LaunchIntent => ({ id, pool: 'web', zone: 'sim-a', size: 'm.small', count, templateVersion: 1, createdAt: T0, replaces: [], status: 'done' });
const stored = (id: string, state: Machine['state']): Machine => ({ id, pool: 'web', provider: 'sim', zone: 'sim-a', size: 'm.small', state, since: T0, launchedAt: T0, templateVersion: 1, protected: false, labels: {}, addresses: [] });
const pool = (desired: number): PoolSpec => ({ name: 'web', desired }) as PoolSpec;

/** A persisted sim cloud as `flotte up` leaves it, made by real launch calls. */
async function cloud(forgetClientToken: boolean, launches: [token: string, count: number][]) {
  dir = mkdtempSync(join(tmpdir(), 'flotte-ledger-'));
  const clock = new VirtualClock(T0);
  const statePath = join(dir, 'sim.json');
  const sim = new SimCloud(simOptions({ statePath, forgetClientToken, bootSeconds: { min: 1, max: 1 } }), clock);
  const ids: string[] = [];
  for (const [token, count] of launches) ids.push(...(await sim.launch(launchRequest(token, count))).launched.map((m) => m.id));
  await clock.advance(5_000);
  return { state: loadState(statePath)!, ids, now: clock.now() };
}

describe('the kill campaign ledger (cloud state against the store)', () => {
  it('finds nothing when every live machine is stored and each intent made its count, even when a launch was re-sent', async () => {
    const { state, ids, now } = await cloud(false, [['i-1', 3], ['i-1', 3], ['i-2', 2]]);
    expect(new Set(ids).size).toBe(5);
    const l = reconcileLedger(state, 'c1', { machines: [...new Set(ids)].map((id) => stored(id, 'ready')), intents: [intent('i-1', 3), intent('i-2', 2)], pools: [pool(5)] }, now);
    expect(l).toMatchObject({ leaked: [], doubled: [], aboveDesired: [], ghosts: [], made: 5, intended: 5, live: 5 });
  });

  it('names the machine the store lost, and the intent a cloud that forgot its token made twice', async () => {
    const { state, ids, now } = await cloud(true, [['i-1', 2], ['i-1', 2]]);
    const l = reconcileLedger(state, 'c1', { machines: [stored(ids[0]!, 'ready'), stored(ids[1]!, 'ready'), stored(ids[2]!, 'gone')], intents: [intent('i-1', 2)], pools: [pool(2)] }, now);
    expect(l.leaked).toEqual([`${ids[2]} (pool web, intent i-1)`, `${ids[3]} (pool web, intent i-1)`]);
    expect(l.doubled).toEqual([`intent i-1 (pool web) asked for 2 and the cloud made 4: ${ids.join(' ')}`, 'the cloud made 4 machines in all, more than the 2 intended']);
    expect(l.aboveDesired).toEqual(['web: 4 live machines, desired 2']);
  });
});
