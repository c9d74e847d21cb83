import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.js';
import { buildDashboard, chromiumAvailable, launchChromium, screenshotPath } from './support/browser.js';
import { getJson, type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';
import { inCi } from './support/services.js';

const CONFIG = flotteYaml({
  cluster: 'envdash',
  sim: { seed: 5, bootSeconds: { min: 1, max: 2 } },
  tail: `environments:
  templates:
    stack:
      ttl: 3h
      roles:
        web: { template: small }
        db: { template: small }
`,
});

const available = chromiumAvailable();
if (!available && inCi()) {
  describe('environments page in Chromium', () => {
    it('needs /usr/bin/chromium', () => {
      throw new Error('Chromium is missing and CI=true forbids skipping the dashboard suite (apt-get install -y chromium)');
    });
  });
}

interface EnvJson { id: string; name: string; status: string; expiresAt: number }

describe.runIf(available)('environments page in Chromium', () => {
  let up: UpProcess;
  let browser: Browser;

  beforeAll(async () => {
    await buildDashboard();
    const dir = fleetDir(CONFIG);
    up = await flotteUp(dir);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await up?.stop();
  });

  it('creates an environment from the form, lists it with its state and TTL, stops and starts it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(up.url);
    await page.getByLabel('API token').fill(up.token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'main' }).waitFor();
    await page.goto(`${up.url}/#/envs`);

    await page.getByLabel('name', { exact: true }).fill('review-42');
    await page.getByLabel('ttl', { exact: true }).fill('2h');
    await page.getByRole('button', { name: 'Create' }).click();
    const row = page.getByTestId('env-review-42');
    await row.getByTestId('status').filter({ hasText: /^ready$/ }).waitFor({ timeout: 60_000 });

    // The TTL shown is the one the API holds: two hours from creation.
    const env = (await getJson<{ items: EnvJson[] }>(`${up.url}/api/v1/environments`)).items.find((e) => e.name === 'review-42')!;
    expect(await row.getByTestId('expires').textContent()).toBe(new Date(env.expiresAt).toISOString().replace('T', ' ').slice(0, 16));
    expect(Math.abs(env.expiresAt - Date.now() - 2 * 3_600_000)).toBeLessThan(120_000);
    expect(await row.locator('td').nth(2).textContent()).toBe('stack v1');
    await page.screenshot({ path: screenshotPath('environments-with-one'), fullPage: true });
    // With a row, its buttons and its outputs: the page the dashboard suite checks empty.
    await expectAccessible(page, 'environments with one environment');

    await row.getByRole('button', { name: 'Stop' }).click();
    await row.getByTestId('status').filter({ hasText: /^stopped$/ }).waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: 'Start' }).click();
    await row.getByTestId('status').filter({ hasText: /^(starting|ready)$/ }).waitFor({ timeout: 30_000 });
    await row.getByTestId('status').filter({ hasText: /^ready$/ }).waitFor({ timeout: 60_000 });
    await page.close();
  }, 180_000);
});
