import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killAgents } from './support/local.js';
import { getJson, runCli, tempDir, waitFor, type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';
import type { PoolDetail as PoolBody } from '../src/api/contract/index.js';

let up: UpProcess | undefined;
/** The demo's directory: its local pool runs real agent processes, which outlive `flotte up`. */
let demoDir: string | undefined;
afterEach(async () => {
  await up?.stop();
  if (demoDir) await killAgents(demoDir);
  up = demoDir = undefined;
});

const config = (deathRatePerHour: number) => flotteYaml({ cluster: 'e2e', sim: { seed: 5, bootSeconds: { min: 1, max: 3 }, deathRatePerHour }, pools: { analysis: { max: 500, desired: 30 } } });

describe('flotte up (real processes)', () => {
  it('the demo starts on embedded defaults, autoscales analysis from its built-in workload and gets the machines ready', async () => {
    const dir = (demoDir = tempDir());
    up = await flotteUp(dir);
    // The demo's desired size follows a synthetic daily curve (10 to ~90 machines), so it is read, not assumed.
    const explained = await waitFor('an autoscaling decision', async () => {
      const r = await runCli(['explain', 'analysis', '--json', '--limit', '1'], { cwd: dir, server: up!.url });
      return r.code === 0 && (JSON.parse(r.stdout) as { items: { desired: number }[] }).items[0];
    });
    expect(explained.desired).toBeGreaterThanOrEqual(10);
    await waitFor('the decided size ready', async () => {
      const pool = await getJson<PoolBody>(`${up!.url}/api/v1/pools/analysis`);
      return pool.desired >= 10 && pool.ready >= pool.desired;
    });
    const pools = await runCli(['pools'], { cwd: dir, server: up.url });
    expect(pools.stdout).toMatch(/analysis\s+sim\s+0\s+500\s+\d+/);
  });

  it('scale --wait to 80 then 20: oldest removed first, zones balanced', async () => {
    const dir = fleetDir(config(0));
    up = await flotteUp(dir);
    const grow = await runCli(['scale', 'analysis', '80', '--wait', '--timeout', '60'], { cwd: dir, server: up.url });
    expect(grow.code, grow.stderr).toBe(0);
    expect(grow.stdout).toContain('80 ready');
    const before = (await getJson<PoolBody>(`${up.url}/api/v1/pools/analysis`)).machines;
    const shrink = await runCli(['scale', 'analysis', '20', '--wait', '--timeout', '60', '--allow-destroy'], { cwd: dir, server: up.url });
    expect(shrink.code, shrink.stderr).toBe(0);
    const after = (await getJson<PoolBody>(`${up.url}/api/v1/pools/analysis`)).machines;
    expect(after).toHaveLength(20);
    expect(after.every((m) => m.state === 'ready')).toBe(true);
    const removed = before.filter((b) => !after.some((a) => a.id === b.id));
    for (const r of removed) {
      for (const s of after.filter((a) => a.zone === r.zone)) expect(Date.parse(r.launchedAt)).toBeLessThanOrEqual(Date.parse(s.launchedAt));
    }
    const perZone = [...new Set(after.map((m) => m.zone))].map((z) => after.filter((m) => m.zone === z).length);
    expect(perZone).toHaveLength(3);
    expect(Math.max(...perZone) - Math.min(...perZone)).toBeLessThanOrEqual(1);
  });

  it('a machine killed by failure injection is replaced, and `flotte events` tells who died and who replaced it', async () => {
    const dir = fleetDir(config(120));
    up = await flotteUp(dir);
    const line = await waitFor('a Replaced event', async () => {
      const r = await runCli(['events', 'analysis', '--limit', '1000'], { cwd: dir, server: up!.url });
      return r.stdout.split('\n').find((l) => /Replaced\s+sim-\d+ replaced by sim-\d+/.test(l));
    });
    const [, dead, successor] = /(sim-\d+) replaced by (sim-\d+)/.exec(line)!;
    const events = await runCli(['events', 'analysis', '--json', '--limit', '1000'], { cwd: dir, server: up.url });
    const list = JSON.parse(events.stdout) as { at: string; reason: string; machine?: string; message: string }[];
    const died = list.find((e) => e.reason === 'Died' && e.machine === dead)!;
    expect(died.message).toMatch(new RegExp(`${dead}: \\w+ → gone`));
    expect(Number.isNaN(Date.parse(died.at))).toBe(false);
    expect(list.some((e) => e.reason === 'Launched' && e.machine === successor && e.message.includes(`replacing ${dead}`))).toBe(true);
  });

  it('a bad flotte.yaml gets every problem with line and column, exit 2, and changes nothing', async () => {
    const dir = fleetDir(config(0));
    up = await flotteUp(dir);
    // The declared state (not the live counts, which move as machines boot).
    const declared = async () =>
      (await getJson<{ items: Record<string, unknown>[] }>(`${up!.url}/api/v1/pools`)).items.map(({ name, template, min, max, desired, zones, labels }) => ({ name, template, min, max, desired, zones, labels }));
    const before = await declared();
    const bad = `cluster: e2e
providers:
  sim:
    type: sim
    seed: many
templates:
  small:
    provider: sim
    image: img-1
    size: m5.large
    colour: blue
pools:
  analysis:
    template: small
    min: 10
    max: 5
  other:
    template: missing
    min: 0
    max: 3
`;
    writeFileSync(join(dir, 'bad.yaml'), bad);
    const r = await runCli(['apply', '-f', 'bad.yaml'], { cwd: dir, server: up.url });
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('bad.yaml:'));
    expect(lines.map((l) => l.split(': ')[0])).toEqual(['bad.yaml:5:11', 'bad.yaml:11:5', 'bad.yaml:15:10', 'bad.yaml:18:15']);
    expect(lines[0]).toContain('providers.sim.seed');
    expect(lines[1]).toContain('templates.small.colour');
    expect(lines[2]).toMatch(/min \(10\) is greater than max \(5\)/);
    expect(lines[3]).toMatch(/missing/);
    expect(await declared()).toEqual(before);
  });
});
