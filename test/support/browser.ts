import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { ROOT } from './process.js';

export const CHROMIUM = process.env.FLOTTE_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

/** Debian's Chromium, headless, with the flags a closed network and a root user need (playwright gives it a fresh profile). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Builds the dashboard from the current sources, as `npm run build:web` does. */
export async function buildDashboard(): Promise<void> {
  await build({ configFile: join(ROOT, 'src/web/vite.config.ts'), logLevel: 'error' });
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** Where a dashboard test keeps its screenshot of a page: `test-artifacts/screenshots/<name>.png` (git ignores test-artifacts/). */
export function screenshotPath(name: string): string {
  const dir = join(ARTIFACTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
