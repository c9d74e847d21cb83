import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, getJson, ROOT, tempDir, waitFor, type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';

let up: UpProcess | undefined;

/** Two pools of the config's own naming; one zone holds at most two machines, so `render` cannot grow past 2. */
const config = (desired: number) =>
  flotteYaml({
    cluster: 'banner',
    sim: { persist: true, seed: 3, zones: ['sim-a'], zoneCapacity: { 'sim-a': 2 }, bootSeconds: { min: 1, max: 2 } },
    pools: { render: { max: 20, desired }, spare: { max: 5, desired: 0 } },
  });

const banner = (u: UpProcess) => waitFor('the start-up banner', async () => u.output().includes('Try:') && u.output());

describe('flotte up start-up banner (real processes)', () => {
  it("names the config's own pools, counts the machines that exist rather than the desired size, and shows the repository's command", async () => {
    const dir = fleetDir(config(2), 'flotte-banner-');
    up = await flotteUp(dir);
    await waitFor('two machines ready in render', async () => (await getJson<{ ready: number }>(`${up!.url}/api/v1/pools/render`)).ready === 2);
    await up.stop();

    // Asked for 6, the zone holds 2: the banner counts the 2 that exist.
    writeFileSync(join(dir, 'flotte.yaml'), config(6));
    up = await flotteUp(dir);
    const out = await banner(up);
    expect(out).toContain('  pool render: 2 machines on sim (desired 6, min 0, max 20)');
    expect(out).toContain('  pool spare: 0 machines on sim (desired 0, min 0, max 5)');
    // Started from outside the repository: the path that reaches it from there.
    expect(out).toContain(`Try: ${BIN} pools · ${BIN} machines render · ${BIN} events render`);
    expect(out).not.toContain('analysis');
  });

  it('says ./bin/flotte.js when started from the repository itself', async () => {
    const dir = fleetDir(config(1), 'flotte-banner-');
    up = await flotteUp(ROOT, ['--file', join(dir, 'flotte.yaml'), '--data-dir', join(dir, '.flotte')]);
    const out = await banner(up);
    expect(out).toContain('  pool render: ');
    expect(out).toContain('Try: ./bin/flotte.js pools · ./bin/flotte.js machines render · ./bin/flotte.js events render');
  });

  it('says flotte when started as `flotte` from PATH', async () => {
    const dir = tempDir('flotte-banner-');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'flotte'));
    writeFileSync(join(dir, 'flotte.yaml'), config(1));
    up = await flotteUp(dir, [], { PATH: `${bin}:${process.env.PATH}` }, { launcher: ['flotte'] });
    const out = await banner(up);
    expect(out).toContain('Try: flotte pools · flotte machines render · flotte events render');
    expect(out).toContain('others need `flotte tokens create`');
  });
});
