import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState } from '../src/providers/sim/index.js';
import { getJson, runCli, waitFor, type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';
import type { PoolDetail as PoolBody } from '../src/api/contract/index.js';

// Launches are slowed (10 machines a call, two calls a second at most) so that a scale
// from 20 to 200 takes several seconds and the kills land in the middle of it.
const CONFIG = flotteYaml({
  cluster: 'crash',
  sim: { seed: 11, bootSeconds: { min: 1, max: 2 }, launchPerCall: 10, buckets: { launch: { capacity: 1, refillPerSecond: 2 } } },
  pools: { analysis: { max: 500, desired: 20 } },
});

let up: UpProcess | undefined;

describe('crash safety (kill -9 of the flotte process)', () => {
  it('killed at several points of a scale from 20 to 200: exactly 200 machines, none leaked, none launched twice', async () => {
    const dir = fleetDir(CONFIG);
    up = await flotteUp(dir);
    await waitFor('20 ready', async () => (await getJson<PoolBody>(`${up!.url}/api/v1/pools/analysis`)).ready === 20);
    const scale = await runCli(['scale', 'analysis', '200'], { cwd: dir, server: up.url });
    expect(scale.code, scale.stderr).toBe(0);

    const seenDuringKills: number[] = [];
    for (const afterMs of [150, 700, 1600, 400]) {
      await new Promise((r) => setTimeout(r, afterMs));
      await up.kill();
      seenDuringKills.push(loadState(join(dir, '.flotte/sim/sim.json'))!.machines.length);
      up = await flotteUp(dir);
    }
    // The kills landed mid-scale: the cloud held neither the start nor the end size at some of them.
    expect(seenDuringKills.some((n) => n > 20 && n < 200)).toBe(true);

    await waitFor('200 ready', async () => (await getJson<PoolBody>(`${up!.url}/api/v1/pools/analysis`)).ready === 200, 120_000);
    await up.stop();
    up = undefined;

    const cloud = loadState(join(dir, '.flotte/sim/sim.json'))!;
    // Every machine the cloud ever made is alive and ours: nothing launched twice, nothing leaked.
    expect(cloud.machines).toHaveLength(200);
    expect(cloud.machines.every((m) => m.tags['flotte:pool'] === 'analysis' && m.terminatedAt === undefined)).toBe(true);
    expect(new Set(cloud.machines.map((m) => m.id)).size).toBe(200);
  }, 300_000);
});
