import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { issueToken } from '../src/api/tokens.js';
import { VirtualClock } from '../src/clock/virtual-clock.js';
import { startFlotte, type RunningFlotte } from '../src/main.js';
import { tempDir } from './support/process.js';

/** How long to wait for what a change sets off: generous for a loaded machine; no figure here is a timing claim. */
const WAIT = { timeout: 10_000, interval: 20 };

const CONFIG = `
cluster: push
providers: { sim: { type: sim } }
templates: { small: { provider: sim, image: img, size: m5.large } }
pools:
  workers:
    template: small
    min: 0
    max: 50
    desired: 0
    scaling:
      evaluationInterval: 60
      metrics: { queue: { type: push } }
      policies: [{ type: target-tracking, metric: queue, target: 100 }]
`;

/**
 * As `flotte up` composes it (main.ts), on a virtual clock that never reaches the next 60 s
 * evaluation nor the next 2 s tick: the push alone makes the decision and the launch.
 */
describe('flotte up: a pushed sample is decided on and launched on arrival', () => {
  let flotte: RunningFlotte | undefined;
  afterAll(() => flotte?.close());

  it('POST a sample over the target → desired set and machines launched, with no time passing', async () => {
    const dataDir = tempDir();
    const configFile = join(dataDir, 'flotte.yaml');
    writeFileSync(configFile, CONFIG);
    const clock = new VirtualClock();
    flotte = await startFlotte({ configFile, dataDir, host: '127.0.0.1', port: 0, clock, logger: pino({ level: 'silent' }) });
    const store = flotte.store;
    await vi.waitFor(async () => expect(await store.listDecisions({ pool: 'workers' })).toHaveLength(1), WAIT);
    await clock.advance(1_000);
    const { secret } = await issueToken(store, { name: 'producer', role: 'pusher', createdBy: 'test' }, clock.now());
    const res = await fetch(`${flotte.url}/api/v1/pools/workers/metrics`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ samples: [{ metric: 'queue', value: 700 }] }) });
    expect(res.status, await res.clone().text()).toBe(200);
    await vi.waitFor(async () => expect((await store.listMachines({ pool: 'workers' })).length).toBe(7), WAIT);
    expect((await store.getPool('workers'))!.desired).toBe(7);
  });
});
