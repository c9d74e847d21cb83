import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboard, chromiumAvailable, launchChromium } from '../test/support/browser.js';
import { getJson, startUp, tempDir, waitFor } from '../test/support/process.js';
import type { Bench } from './harness.js';

type Paint = { at: number; ms: number; cells: number; changed: number };
/** What the page's globals look like from here (the callbacks below run in the browser). */
type Page = { localStorage: { setItem(k: string, v: string): void }; __mapPaints?: Paint[] };

/** The pool page at 2,000 machines in headless Chromium: time to first full map, and the frame when 200 change state. */
export const dashboardBench: Bench = async () => {
  if (!chromiumAvailable()) return [{ name: 'dashboard (skipped: no /usr/bin/chromium)', value: 0, unit: '' }];
  await buildDashboard();
  const dir = tempDir();
  writeFileSync(
    join(dir, 'flotte.yaml'),
    `cluster: bench
providers:
  sim: { type: sim, bootSeconds: { min: 1, max: 2 }, rebootSeconds: { min: 20, max: 30 }, instanceBuckets: { launch: { capacity: 5000, refillPerSecond: 100 } }, buckets: { launch: { capacity: 50, refillPerSecond: 10 } } }
templates:
  small: { provider: sim, image: img, size: m5.large }
pools:
  analysis: { template: small, min: 0, max: 3000, desired: 2000 }
`,
  );
  const up = await startUp(dir);
  const browser = await launchChromium();
  try {
    const token = readFileSync(join(dir, '.flotte/admin-token'), 'utf8').trim();
    await waitFor('2,000 ready', async () => (await getJson<{ ready: number }>(`${up.url}/api/v1/pools/analysis`, token)).ready === 2000, 180_000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(up.url);
    await page.evaluate((t) => (globalThis as unknown as Page).localStorage.setItem('flotte.token', t), token);
    await page.goto('about:blank');
    const t0 = Date.now();
    await page.goto(`${up.url}/#/pools/analysis`);
    await page.waitForFunction(() => ((globalThis as unknown as Page).__mapPaints ?? []).some((p) => p.cells === 2000));
    const firstRender = await page.evaluate(() => (globalThis as unknown as Page).__mapPaints!.find((p) => p.cells === 2000)!.at);
    const wall = Date.now() - t0;
    // 200 machines change state at once: an all-at-once restart of 200 of them.
    const ids = (await getJson<{ machines: { id: string }[] }>(`${up.url}/api/v1/pools/analysis`, token)).machines.slice(0, 200).map((m) => m.id);
    const res = await fetch(`${up.url}/api/v1/operations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'restart', pool: 'analysis', machines: ids, strategy: { kind: 'all-at-once' } }),
    });
    if (res.status !== 201) throw new Error(`restart: ${res.status} ${await res.text()}`);
    await page.waitForFunction(() => ((globalThis as unknown as Page).__mapPaints ?? []).some((p) => p.changed >= 150 && p.changed < 2000), undefined, { timeout: 60_000 });
    const frame = await page.evaluate(() => (globalThis as unknown as Page).__mapPaints!.find((p) => p.changed >= 150 && p.changed < 2000)!);
    return [
      { name: 'dashboard: pool page, 2,000 machines, navigation to full map', value: firstRender, unit: 'ms', detail: { wallMs: wall } },
      { name: 'dashboard: frame when ~200 machines change state', value: frame.ms, unit: 'ms', target: { op: '<', value: 16.7 }, detail: frame },
    ];
  } finally {
    await browser.close();
    await up.stop();
  }
};
