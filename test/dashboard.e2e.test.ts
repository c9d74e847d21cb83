import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact, buildDashboard, chromiumAvailable, launchChromium } from './support/browser.js';
import { type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';
import { inCi } from './support/services.js';

const CONFIG = flotteYaml({ cluster: 'dash', sim: { seed: 3, bootSeconds: { min: 1, max: 2 }, rebootSeconds: { min: 1, max: 3 } }, pools: { analysis: { max: 500, desired: 20 } } });

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
    await page.screenshot({ path: artifact('overview.png'), fullPage: true });

    await page.getByRole('link', { name: 'Architecture' }).click();
    await page.getByText('provider').first().waitFor();
    await page.screenshot({ path: artifact('architecture.png'), fullPage: true });

    await page.goto(`${up.url}/#/pools/analysis`);
    await page.getByTestId('machine-map').waitFor();
    await page.getByRole('button', { name: 'Preview restart' }).click();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    expect(await preview.textContent()).toMatch(/20 machines in 5 batches of 4.*mutating API call.*estimated time/);
    await page.screenshot({ path: artifact('pool-preview.png'), fullPage: true });
    await page.getByRole('button', { name: 'Confirm restart' }).click();

    await page.waitForURL(/#\/ops$/);
    await page.getByTestId('op-progress').filter({ hasText: /^100%/ }).first().waitFor({ timeout: 90_000 });
    await page.getByTestId('op-status').filter({ hasText: 'succeeded' }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: artifact('operations.png'), fullPage: true });

    await page.getByRole('link', { name: 'Audit log' }).click();
    const row = page.getByTestId('audit').locator('tr', { hasText: 'POST /api/v1/operations' }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('admin');
    await page.screenshot({ path: artifact('audit.png'), fullPage: true });
    await page.close();
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
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^sim-\d+/ }).waitFor();
    expect(await page.getByTestId('machine-addresses').textContent()).toMatch(/^private 10\.\d+\.\d+\.\d+$/);
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: artifact('pool-phone-dark.png'), fullPage: true });
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
    expect(await badge.textContent()).toMatch(/^BlastRadiusHold: \d+ of \d+ scale-in terminations held: .*--allow-destroy/);
    await page.screenshot({ path: artifact('pool-condition.png') });
    await page.close();
  });
});
