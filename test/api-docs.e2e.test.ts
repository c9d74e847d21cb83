import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact, chromiumAvailable, launchChromium } from './support/browser.js';
import { flotteYaml } from './support/builders.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';
import { type UpProcess } from './support/process.js';
import { inCi } from './support/services.js';

const CONFIG = flotteYaml({ cluster: 'apidocs', sim: { seed: 5, bootSeconds: { min: 1, max: 2 } }, pools: { analysis: { max: 20, desired: 2 } } });

interface OpenApi {
  paths: Record<string, Record<string, { summary: string }>>;
}

const available = chromiumAvailable();
if (!available && !inCi()) console.warn(`\n${'!'.repeat(72)}\n!!  SKIPPED: API reference in Chromium — /usr/bin/chromium missing (apt-get install -y chromium)\n${'!'.repeat(72)}\n`);
if (!available && inCi()) {
  describe('API reference in Chromium', () => {
    it('needs /usr/bin/chromium', () => {
      throw new Error('Chromium is missing and CI=true forbids skipping the API reference suite (apt-get install -y chromium)');
    });
  });
}

describe.runIf(available)('API reference at /api/docs in Chromium, on a closed network', () => {
  let up: UpProcess;
  let browser: Browser;
  let doc: OpenApi;

  beforeAll(async () => {
    up = await flotteUp(fleetDir(CONFIG));
    doc = (await (await fetch(`${up.url}/api/openapi.json`)).json()) as OpenApi;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await up?.stop();
  });

  /** A page whose every request to a host other than 127.0.0.1 is aborted and listed. */
  async function closedPage(): Promise<{ page: Page; requested: string[]; blocked: string[]; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    const blocked: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).hostname === '127.0.0.1') return route.continue();
      blocked.push(url);
      return route.abort('internetdisconnected');
    });
    return { page, requested, blocked, problems };
  }

  it("renders every operation of flotte's own document without a token, and nothing leaves 127.0.0.1", async () => {
    const { page, requested, blocked, problems } = await closedPage();
    const res = await page.goto(`${up.url}/api/docs`);
    expect(res?.status()).toBe(200);

    const pools = page.locator('.opblock-summary-path[data-path="/api/v1/pools"]');
    await pools.first().waitFor();
    const listPools = doc.paths['/api/v1/pools']!.get!.summary;
    expect(await page.locator('.opblock-get', { has: pools }).locator('.opblock-summary-description').textContent()).toBe(listPools);
    // The whole document, not a page of it: one block per operation flotte declares.
    const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    expect(operations).toBeGreaterThan(40);
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(await page.getByText('flotte API', { exact: false }).first().isVisible()).toBe(true);
    await page.screenshot({ path: artifact('api-docs.png') });

    expect(blocked).toEqual([]);
    expect(requested.filter((u) => !u.startsWith(`${up.url}/`) && !u.startsWith('data:'))).toEqual([]);
    // The renderer, its styles and the document all came from flotte itself.
    expect(requested).toEqual(expect.arrayContaining([`${up.url}/api/openapi.json`, expect.stringMatching(/\/api\/docs\/swagger-ui-bundle\.js\?v=5\./), expect.stringMatching(/\/api\/docs\/swagger-ui\.css/)]));
    expect(problems).toEqual([]);
    await page.close();
  });

  it("'Try it out' calls the live API with the token the dashboard saved in this browser", async () => {
    const { page, blocked } = await closedPage();
    // Where the dashboard keeps the token pasted at its login (src/web/lib/api.ts).
    await page.addInitScript((t) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('flotte.token', t), up.token);
    await page.goto(`${up.url}/api/docs#/pools`);
    const op = page.locator('.opblock-get', { has: page.locator('.opblock-summary-path[data-path="/api/v1/pools"]') });
    await op.locator('.opblock-summary-control').click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    await op.getByRole('button', { name: 'Execute' }).click();
    const answer = op.locator('.live-responses-table tbody .response-col_status').first();
    await answer.waitFor();
    expect((await answer.textContent())?.trim()).toBe('200');
    expect(await op.locator('.live-responses-table .highlight-code').first().textContent()).toContain('"analysis"');
    expect(blocked).toEqual([]);
    await page.close();
  });

  it('the page and its renderer answer without a token; the renderer is the only code served from node_modules', async () => {
    for (const path of ['/api/docs', '/api/docs/init.js', '/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-ui.css']) {
      expect((await fetch(`${up.url}${path}`)).status, path).toBe(200);
    }
    expect((await fetch(`${up.url}/api/docs`)).headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const slash = await fetch(`${up.url}/api/docs/`, { redirect: 'manual' });
    expect([slash.status, slash.headers.get('location')]).toEqual([301, '/api/docs']);
    expect([401, 404]).toContain((await fetch(`${up.url}/api/docs/package.json`)).status);
    expect([401, 404]).toContain((await fetch(`${up.url}/api/docs/swagger-ui-bundle.js.map`)).status);
  });
});
