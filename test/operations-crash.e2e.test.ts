import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState } from '../src/providers/sim/index.js';
import { getJson, runCli, waitFor, type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';

// Reboots take 2–3 s so that a rolling restart of 500 (100 at a time) lasts long enough for
// several kills to land in its middle; the sim cloud persists, so reboot counts survive them.
const CONFIG = flotteYaml({ cluster: 'opscrash', sim: { seed: 5, bootSeconds: { min: 1, max: 2 }, rebootSeconds: { min: 2, max: 3 } }, pools: { analysis: { max: 600, desired: 500 } } });

let up: UpProcess | undefined;

interface OpBody {
  operation: { id: string; status: string; message: string };
  progress: { counts: Record<string, number> } | null;
}

describe('operations survive kill -9 of the flotte process', () => {
  it('a 500-machine rolling restart killed at several points completes, every machine rebooted exactly once, none lost', async () => {
    const dir = fleetDir(CONFIG);
    up = await flotteUp(dir);
    await waitFor('500 ready', async () => (await getJson<{ ready: number }>(`${up!.url}/api/v1/pools/analysis`)).ready === 500, 60_000);
    const simPath = join(dir, '.flotte/sim/sim.json');
    const before = loadState(simPath)!.machines.map((m) => m.id).sort();

    const started = await runCli(['restart', 'analysis', '--max-unavailable', '20%', '--json'], { cwd: dir, server: up.url });
    expect(started.code, started.stderr).toBe(0);
    const id = (JSON.parse(started.stdout) as { operation: { id: string } }).operation.id;

    const rebootedAtKill: number[] = [];
    for (const afterMs of [800, 2500, 4000, 1500]) {
      await new Promise((r) => setTimeout(r, afterMs));
      await up.kill();
      rebootedAtKill.push(loadState(simPath)!.machines.filter((m) => (m.reboots ?? 0) > 0).length);
      up = await flotteUp(dir);
    }
    // The kills landed in the middle of the operation.
    expect(rebootedAtKill.some((n) => n > 0 && n < 500), String(rebootedAtKill)).toBe(true);

    const end = await waitFor('operation ended', async () => {
      const body = await getJson<OpBody>(`${up!.url}/api/v1/operations/${id}`);
      return body.operation.status !== 'running' && body.operation.status !== 'paused' ? body : undefined;
    }, 120_000);
    expect(end.operation.status, end.operation.message).toBe('succeeded');
    expect(end.progress!.counts.done).toBe(500);
    const shown = await runCli(['ops', 'show', id, '--once', '--json'], { cwd: dir, server: up.url });
    expect(shown.code, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as OpBody).operation.status).toBe('succeeded');
    await up.stop();
    up = undefined;

    const cloud = loadState(simPath)!;
    expect(cloud.machines.map((m) => m.id).sort()).toEqual(before);
    expect(cloud.machines.every((m) => m.terminatedAt === undefined)).toBe(true);
    const counts = cloud.machines.map((m) => m.reboots ?? 0);
    const histogram: Record<number, number> = {};
    for (const n of counts) histogram[n] = (histogram[n] ?? 0) + 1;
    expect(histogram, 'machines per reboot count').toEqual({ 1: 500 });
  }, 240_000);
});
