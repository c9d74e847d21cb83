import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityProblems } from './support/axe.js';
import { buildDashboard, chromiumAvailable, launchChromium, screenshotPath } from './support/browser.js';
import { getJson, waitFor, type UpProcess } from './support/process.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';
import { inCi } from './support/services.js';
import type { DecisionsPage, EventPage, PoolDetail } from '../src/api/contract/index.js';

const CONFIG = `
cluster: dash
providers:
  sim: { type: sim, seed: 3, bootSeconds: { min: 1, max: 2 }, rebootSeconds: { min: 1, max: 3 } }
templates:
  small: { provider: sim, image: img-1, size: m5.large }
pools:
  analysis: { template: small, min: 0, max: 500, desired: 20 }
  # Thousands of jobs of backlog against tens of machines: the overview chart's hard case.
  batch:
    template: small
    min: 1
    max: 40
    scaling:
      evaluationInterval: 2s
      metrics:
        # A "day" of two minutes: the load moves, and the autoscaler with it, while the test watches.
        backlog: { type: trace, curve: { kind: daily, base: 1000, peak: 3000, spikesPerDay: 0, periodSeconds: 120, seed: 7 } }
      policies:
        - { type: target-tracking, metric: backlog, target: 100 }
  solo: { template: small, min: 0, max: 1, desired: 1, zones: [sim-a] }
  # Said to run agents, but no agent ever joins: every machine fails its boot grace and the mass-failure brake trips.
  fragile:
    template: small
    min: 0
    max: 4
    desired: 4
    health: { agent: true, bootGrace: 3, heartbeatInterval: 1, heartbeatTimeout: 2 }
`;

/** Records every text painted on a canvas, so a test can read what uPlot drew (axis labels and ticks live only there). */
const RECORD_CANVAS_TEXT = `
  window.__drawn = new Set();
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) { window.__drawn.add(String(text)); return fillText.call(this, text, ...rest); };
`;

const available = chromiumAvailable();
if (!available && !inCi()) console.warn(`\n${'!'.repeat(72)}\n!!  SKIPPED: dashboard browser suite — /usr/bin/chromium missing (apt-get install -y chromium)\n${'!'.repeat(72)}\n`);
if (!available && inCi()) {
  describe('dashboard in Chromium', () => {
    it('needs /usr/bin/chromium', () => {
      throw new Error('Chromium is missing and CI=true forbids skipping the dashboard suite (apt-get install -y chromium)');
    });
  });
}

describe.runIf(available)('dashboard in Chromium', () => {
  let up: UpProcess;
  let browser: Browser;
  let dir: string;
  let adminToken: string;

  beforeAll(async () => {
    await buildDashboard();
    dir = fleetDir(CONFIG);
    up = await flotteUp(dir);
    adminToken = readFileSync(join(dir, '.flotte/admin-token'), 'utf8').trim();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await up?.stop();
  });

  const login = async (page: Page, token: string) => {
    await page.goto(up.url);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'main' }).waitFor();
  };

  it('log in, see the pool reach its size, run a rolling restart after its preview, watch it finish, find it in the audit log', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await login(page, adminToken);
    await page.getByTestId('ready-analysis').filter({ hasText: /^20$/ }).waitFor({ timeout: 60_000 });

    await page.getByRole('link', { name: 'Architecture' }).click();
    await page.getByText('provider').first().waitFor();

    await page.goto(`${up.url}/#/pools/analysis`);
    await page.getByTestId('machine-map').waitFor();
    await page.getByRole('button', { name: 'Preview restart' }).click();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    expect(await preview.textContent()).toMatch(/20 machines in 5 batches of 4.*mutating API call.*estimated time/);
    await page.getByRole('button', { name: 'Confirm restart' }).click();

    await page.waitForURL(/#\/ops$/);
    await page.getByTestId('op-progress').filter({ hasText: /^100%/ }).first().waitFor({ timeout: 90_000 });
    await page.getByTestId('op-status').filter({ hasText: 'succeeded' }).first().waitFor({ timeout: 30_000 });

    await page.getByRole('link', { name: 'Audit log' }).click();
    const row = page.getByTestId('audit').locator('tr', { hasText: 'POST /api/v1/operations' }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('admin');
    await page.close();
  });

  it('the overview reads at a glance: load and capacity on two labelled axes, recent events on arrival then live, conditions with their reason, "1 machine"', async () => {
    const api = `${up.url}/api/v1`;
    await waitFor('the autoscaler to have measured the backlog twice', async () => (await getJson<DecisionsPage>(`${api}/pools/batch/decisions?limit=5`)).items.filter((d) => d.inputs.some((i) => i.metric === 'backlog' && i.value !== undefined)).length >= 2);
    const brake = await waitFor('the mass-failure brake on fragile', async () => (await getJson<PoolDetail>(`${api}/pools/fragile`)).conditions.find((c) => c.type === 'HealingPaused'));
    expect(brake.reason).toBe('MassFailure');
    const newest = (await getJson<EventPage>(`${api}/events?newest=true&limit=1`)).items[0]!;

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript({ content: RECORD_CANVAS_TEXT });
    await login(page, adminToken);

    // Events from before the page opened are there on arrival, newest first.
    const events = page.getByTestId('events');
    await events.locator(`li[data-event-id="${newest.id}"]`).waitFor({ timeout: 10_000 });
    expect(await events.locator('li').count()).toBeGreaterThan(10);

    // The chart of the autoscaled pool: load in backlog on the left, machines on the right, both drawn with their own ticks.
    await page.getByRole('heading', { name: 'Load vs capacity: batch' }).waitFor();
    await page.getByTestId('chart').waitFor();
    expect(await page.getByTestId('chart-caption').textContent()).toMatch(/^left axis: load in backlog; right axis: machines, scaled so one machine stands at its target of 100 backlog/);
    await page.getByTestId('chart-now').filter({ hasText: /^now: load [\d,]+ backlog · capacity [\d,]+ backlog · \d+ machines ready · \d+ desired$/ }).waitFor({ timeout: 15_000 });
    const drawn = (await page.evaluate('[...window.__drawn]')) as string[];
    expect(drawn).toEqual(expect.arrayContaining(['backlog', 'machines']));
    // The backlog axis counts in thousands and the machines axis in tens: neither is a flat line at the other's zero.
    expect(drawn.some((t) => /^[1-9],\d{3}$/.test(t))).toBe(true);
    expect(drawn.some((t) => /^[1-9]0$/.test(t))).toBe(true);

    // A pool's conditions are badges with their reason and message; one machine is "1 machine".
    const badge = page.getByTestId('condition-HealingPaused');
    expect(await badge.textContent()).toMatch(/^HealingPaused \(MassFailure\) since \d\d:\d\d UTC: \d of 4 machines failed within 120 s .*resume-healing fragile/);
    await page.getByRole('article', { name: 'solo' }).getByText('1 machine · sim', { exact: true }).waitFor();
    await page.getByRole('article', { name: 'analysis' }).getByText('20 machines · sim', { exact: true }).waitFor();

    // Then live: an event that happens while the page is open shows without a reload.
    const pause = await fetch(`${api}/pools/batch/autoscaling/pause`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ for: '1h' }) });
    expect(pause.status).toBe(200);
    await events.locator('li', { hasText: 'AutoscalingPaused' }).first().waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('condition-AutoscalingPaused').textContent()).toMatch(/^AutoscalingPaused \(Requested\) since \d\d:\d\d UTC until \d\d:\d\d UTC: /);
    await page.mouse.move(0, 0); // no card outlined by a hover left from the log-in click
    await page.screenshot({ path: screenshotPath('overview'), fullPage: true });

    await page.getByRole('link', { name: 'Architecture' }).click();
    await page.getByText('1 machine', { exact: true }).first().waitFor();
    expect(new Set(await page.getByText(/^1 machines?$/).allTextContents())).toEqual(new Set(['1 machine']));
    await page.close();
  });

  it('every page has no serious or critical accessibility violation (axe-core), in light and dark, and is kept as a screenshot', async () => {
    // Every page is checked before the test fails, so one run lists everything there is to fix.
    const problems: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
      const check = async (name: string) => {
        await page.screenshot({ path: screenshotPath(`${name}-${colorScheme}`), fullPage: true });
        const found = await accessibilityProblems(page, `${name} (${colorScheme})`);
        if (found) problems.push(found);
      };
      await page.goto(up.url);
      await page.getByLabel('API token').waitFor();
      await check('login');
      await login(page, adminToken);
      await page.getByTestId('chart').waitFor({ timeout: 15_000 });
      await check('overview');
      await page.goto(`${up.url}/#/architecture`);
      await page.getByText('sim-a').first().waitFor();
      await check('architecture');
      await page.goto(`${up.url}/#/pools/analysis`);
      await page.getByTestId('machine-map').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('machine-details').waitFor();
      await page.getByRole('button', { name: 'Preview restart' }).click();
      await page.getByTestId('preview').waitFor();
      await check('pool');
      await page.goto(`${up.url}/#/pools/fragile`);
      await page.getByTestId('condition-HealingPaused').waitFor();
      await check('pool-conditions');
      await page.goto(`${up.url}/#/ops`);
      await page.getByTestId('op-status').first().waitFor();
      await check('operations');
      await page.goto(`${up.url}/#/audit`);
      await page.getByTestId('audit').locator('tbody tr').first().waitFor();
      await check('audit');
      await page.goto(`${up.url}/#/envs`);
      await page.getByTestId('environments').waitFor();
      await check('environments');
      await page.close();
    }
    if (problems.length > 0) throw new Error(problems.join('\n\n'));
  });

  it('a viewer sees no buttons that would fail', async () => {
    const res = await fetch(`${up.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'dash-viewer', role: 'viewer' }),
    });
    expect(res.status).toBe(201);
    const { secret: token } = (await res.json()) as { secret: string };
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await login(page, token);
    await page.goto(`${up.url}/#/pools/analysis`);
    await page.getByTestId('machine-map').waitFor();
    expect(await page.getByRole('button', { name: /Preview|Scale/ }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'actions' }).count()).toBe(0);
    await page.close();
  });

  it('works with the keyboard and on a phone-width screen, in dark mode', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    await login(page, adminToken);
    await page.goto(`${up.url}/#/pools/analysis`);
    const map = page.getByTestId('machine-map');
    await map.waitFor();
    await map.focus();
    await page.keyboard.press('ArrowRight');
    // The canvas cannot be read out: a polite live line names the machine the keys reached.
    expect(await page.getByText(/^sim-\d+ \w+, 2 of \d+$/).textContent()).toMatch(/, 2 of 20$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^sim-\d+/ }).waitFor();
    expect(await page.getByTestId('machine-addresses').textContent()).toMatch(/^private 10\.\d+\.\d+\.\d+$/);
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath('pool-phone-dark'), fullPage: true });
    await page.close();
  });

  it("a pool's conditions show as badges with their message: a scale-in held by the blast-radius guard", async () => {
    const scale = await fetch(`${up.url}/api/v1/pools/analysis/desired`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ desired: 2 }),
    });
    expect(scale.status).toBe(200);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await login(page, adminToken);
    await page.goto(`${up.url}/#/pools/analysis`);
    const badge = page.getByTestId('condition-BlastRadiusHold');
    await badge.waitFor({ timeout: 30_000 });
    expect(await badge.textContent()).toMatch(/^BlastRadiusHold \(ShareExceeded\) since \d\d:\d\d UTC: \d+ of \d+ scale-in terminations held: .*--allow-destroy/);
    await page.screenshot({ path: screenshotPath('pool-blast-radius') });
    await page.close();
  });

  it("the pool page follows its machines' states live, without a reload: a restart shows as rebooting, then ready", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await login(page, adminToken);
    await page.goto(`${up.url}/#/pools/solo`);
    const legend = page.getByLabel('legend');
    await legend
      .filter({ hasText: 'ready 1' })
      .waitFor({ timeout: 30_000 })
      .catch(async (e: Error) => {
        // What the page and the server showed instead, so a failure says which of them was behind.
        const shown = await legend.textContent().catch(() => '(no legend)');
        const served = await getJson<{ machines: { id: string; state: string }[] }>(`${up.url}/api/v1/pools/solo`, adminToken).catch((err: Error) => err.message);
        throw new Error(`${e.message}\nlegend: ${shown}\nserver: ${JSON.stringify(typeof served === 'string' ? served : served.machines.map((m) => [m.id, m.state]))}`);
      });
    const res = await fetch(`${up.url}/api/v1/operations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'restart', pool: 'solo', strategy: { kind: 'all-at-once' } }),
    });
    expect(res.status).toBe(201);
    // A reboot takes 1–3 s and the page refetches the pool every 15 s: only the live events can show it.
    await legend.filter({ hasText: 'rebooting 1' }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('pool-ready').textContent()).toBe('0');
    await legend.filter({ hasText: 'ready 1' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('pool-ready').textContent()).toBe('1');
    await page.close();
  });
});
