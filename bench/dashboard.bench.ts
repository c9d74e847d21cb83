import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboard, chromiumAvailable, launchChromium } from '../test/support/browser.js';
import { getJson, startUp, tempDir, waitFor } from '../test/support/process.js';
import type { Bench } from './harness.js';

const MACHINES = 10_000;
const CHANGING = 2_000;

type Paint = { at: number; ms: number; cells: number; changed: number };
/** What the page's globals look like from here (the callbacks below run in the browser). */
type Win = {
  localStorage: { setItem(k: string, v: string): void };
  document: { querySelector(s: string): { textContent: string | null } | null };
  performance: { now(): number };
  __mapPaints?: Paint[];
  __frames?: number[];
  __longTasks?: { start: number; ms: number }[];
};

/**
 * Chromium's own clocks, recorded in the page from its first script: the start of every frame
 * (requestAnimationFrame's timestamp) and every main-thread task over 50 ms (Long Tasks API).
 * Neither depends on the dashboard's code, so the figures compare across versions of it.
 */
const RECORD_FRAMES = `
  window.__frames = [];
  const frame = (t) => { window.__frames.push(t); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration }); }).observe({ type: 'longtask', buffered: true });
`;

/** Frame lengths (ms between frame starts) inside [from, to] of the page's clock. */
function frameLengths(frames: number[], from: number, to: number): number[] {
  return frameSpans(frames, from, to).map((f) => f.ms);
}

function frameSpans(frames: number[], from: number, to: number): { at: number; ms: number }[] {
  const out: { at: number; ms: number }[] = [];
  for (let i = 1; i < frames.length; i++) if (frames[i]! >= from && frames[i - 1]! <= to) out.push({ at: frames[i - 1]!, ms: frames[i]! - frames[i - 1]! });
  return out;
}

const round = (x: number) => Math.round(x * 10) / 10;

/**
 * The pool page at 10,000 machines in headless Chromium: time from navigation to the full map,
 * and the frames while 2,000 machines change state at once (an all-at-once restart of them).
 */
export const dashboardBench: Bench = async () => {
  if (!chromiumAvailable()) return [{ name: 'dashboard (skipped: no /usr/bin/chromium)', value: 0, unit: '' }];
  await buildDashboard();
  const dir = tempDir();
  writeFileSync(
    join(dir, 'flotte.yaml'),
    `cluster: bench
providers:
  sim: { type: sim, bootSeconds: { min: 1, max: 2 }, rebootSeconds: { min: 20, max: 30 }, instanceBuckets: { launch: { capacity: 20000, refillPerSecond: 2000 } }, buckets: { launch: { capacity: 200, refillPerSecond: 50 } } }
templates:
  small: { provider: sim, image: img, size: m5.large }
pools:
  analysis: { template: small, min: 0, max: 12000, desired: ${MACHINES}, maxLaunching: 2500 }
`,
  );
  const up = await startUp(dir);
  const browser = await launchChromium();
  try {
    const token = readFileSync(join(dir, '.flotte/admin-token'), 'utf8').trim();
    await waitFor(`${MACHINES} ready`, async () => (await getJson<{ ready: number }>(`${up.url}/api/v1/pools/analysis`, token)).ready === MACHINES, 600_000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript({ content: RECORD_FRAMES });
    await page.goto(up.url);
    await page.evaluate((t) => (globalThis as unknown as Win).localStorage.setItem('flotte.token', t), token);
    await page.goto('about:blank');
    const t0 = Date.now();
    await page.goto(`${up.url}/#/pools/analysis`);
    await page.waitForFunction((n) => ((globalThis as unknown as Win).__mapPaints ?? []).some((p) => p.cells === n), MACHINES, { timeout: 60_000 });
    // performance.now() counts from the navigation's start: this is Chromium's time to the frame after the full map's paint.
    const firstRender = await page.evaluate((n) => (globalThis as unknown as Win).__mapPaints!.find((p) => p.cells === n)!.at, MACHINES);
    const wall = Date.now() - t0;
    // The longest task of the load (parse, sort, first paint): what every full refetch costs again.
    const loadTask = await page.evaluate((until) => Math.max(0, ...(globalThis as unknown as Win).__longTasks!.filter((t) => t.start <= until).map((t) => t.ms)), firstRender);

    // A quiet stretch first: the frames of this (loaded) machine when nothing changes, to read the others against.
    await page.waitForTimeout(3000);
    const quietFrom = await page.evaluate(() => (globalThis as unknown as Win).performance.now());
    await page.waitForTimeout(3000);
    const from = await page.evaluate(() => (globalThis as unknown as Win).performance.now());
    const ids = (await getJson<{ machines: { id: string }[] }>(`${up.url}/api/v1/pools/analysis`, token)).machines.slice(0, CHANGING).map((m) => m.id);
    const res = await fetch(`${up.url}/api/v1/operations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'restart', pool: 'analysis', machines: ids, strategy: { kind: 'all-at-once' } }),
    });
    if (res.status !== 201) throw new Error(`restart: ${res.status} ${await res.text()}`);
    // The legend counts what the map shows: the update is on screen when it says so.
    await page.waitForFunction(
      (n) => Number(/rebooting (\d+)/.exec((globalThis as unknown as Win).document.querySelector('.legend')?.textContent ?? '')?.[1] ?? 0) >= n,
      CHANGING,
      { timeout: 120_000, polling: 50 },
    );
    const shown = await page.evaluate(() => (globalThis as unknown as Win).performance.now());
    await page.waitForTimeout(1000);
    const got = await page.evaluate(() => ({ frames: (globalThis as unknown as Win).__frames!, longTasks: (globalThis as unknown as Win).__longTasks!, paints: (globalThis as unknown as Win).__mapPaints! }));
    const to = shown + 1000;
    const frames = frameLengths(got.frames, from, to);
    const quiet = frameLengths(got.frames, quietFrom, from);
    const paints = got.paints.filter((p) => p.at >= from && p.at <= to && p.changed > 0);
    const longTasks = got.longTasks.filter((t) => t.start + t.ms >= from && t.start <= to);
    const worstPaint = paints.reduce((a, p) => (p.ms > a.ms ? p : a), { at: 0, ms: 0, cells: 0, changed: 0 });
    const over = (xs: number[]) => xs.filter((x) => x > 25).length;
    return [
      { name: `dashboard: pool page, ${MACHINES.toLocaleString('en')} machines, navigation to full map`, value: firstRender, unit: 'ms', target: { op: '<', value: 1000 }, detail: { wallMs: wall, longestTaskMs: loadTask } },
      {
        name: `dashboard: ${CHANGING.toLocaleString('en')} machines change state: longest main-thread update of the map`,
        value: worstPaint.ms,
        unit: 'ms',
        target: { op: '<', value: 16 },
        detail: {
          paints: paints.length,
          changedCells: paints.reduce((a, p) => a + p.changed, 0),
          worstPaint,
          msFromRequestToShown: round(shown - from),
          frames: { count: frames.length, longestMs: round(Math.max(...frames)), over25ms: over(frames) },
          quietFrames: { count: quiet.length, longestMs: round(Math.max(...quiet)), over25ms: over(quiet) },
          longTasks: { count: longTasks.length, longestMs: round(Math.max(0, ...longTasks.map((t) => t.ms))) },
          // Each frame over 25 ms, from the request on, and whether it was the frame that painted map changes.
          slowFrames: frameSpans(got.frames, from, to)
            .filter((f) => f.ms > 25)
            .map((f) => ({ afterMs: round(f.at - from), ms: round(f.ms), mapPaint: paints.some((p) => p.at > f.at && p.at <= f.at + f.ms + 1) })),
        },
      },
      { name: `dashboard: ${CHANGING.toLocaleString('en')} machines change state: longest frame`, value: round(Math.max(...frames)), unit: 'ms', detail: { quietLongestMs: round(Math.max(...quiet)) } },
    ];
  } finally {
    await browser.close();
    await up.stop();
  }
};
