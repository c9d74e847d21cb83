import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, Whoami } from '../src/api/contract/index.js';
import { expectAccessible } from './support/axe.js';
import { buildDashboard, chromiumAvailable, launchChromium } from './support/browser.js';
import { flotteYaml } from './support/builders.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';
import { startIdp, type TestIdp } from './support/oidc-idp.js';
import { BIN, freePort, runCli, tempDir, type UpProcess } from './support/process.js';
import { inCi } from './support/services.js';

const PEOPLE = {
  alice: { email: 'alice@example.com', groups: ['ops', 'everyone'] },
  bob: { email: 'bob@example.com', groups: ['watchers'] },
  carol: { email: 'carol@example.com', groups: ['marketing'] },
};

const available = chromiumAvailable();
if (!available && inCi()) {
  describe('sign-in through an OpenID provider', () => {
    it('needs /usr/bin/chromium', () => {
      throw new Error('Chromium is missing and CI=true forbids skipping the sign-in suite (apt-get install -y chromium)');
    });
  });
}

/** Through the provider's own login and consent pages, as the person would. */
async function passProvider(page: Page, login: string): Promise<void> {
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.locator('button[type=submit]').click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe.runIf(available)('sign-in through a real OpenID provider', () => {
  let idp: TestIdp;
  let up: UpProcess;
  let browser: Browser;
  let admin: string;

  beforeAll(async () => {
    await buildDashboard();
    const port = await freePort();
    idp = await startIdp(PEOPLE, `http://127.0.0.1:${port}/api/auth/callback`);
    const yaml = `${flotteYaml({ cluster: 'signin', pools: { analysis: { max: 20, desired: 2 } } })}
auth:
  oidc:
    issuer: ${idp.issuer}
    clientId: ${idp.clientId}
    clientSecretEnv: FLOTTE_TEST_OIDC_SECRET
    scopes: [openid, email, groups]
    roles: { ops: operator, watchers: viewer }
    sessionTtl: 1h
`;
    const dir = fleetDir(yaml);
    up = await flotteUp(dir, [], { FLOTTE_TEST_OIDC_SECRET: idp.clientSecret }, { port });
    admin = readFileSync(join(dir, '.flotte/admin-token'), 'utf8').trim();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await idp?.close();
  });

  const audit = async (): Promise<AuditPage['items']> => {
    const res = await fetch(`${up.url}/api/v1/audit?limit=1000`, { headers: { authorization: `Bearer ${admin}` } });
    return ((await res.json()) as AuditPage).items;
  };
  const withCookie = (cookie: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), cookie: `flotte_session=${cookie}` } });

  it('an operator signs in on the dashboard, scales a pool as themselves, and is refused once logged out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(up.url);
    await page.getByRole('link', { name: 'Sign in with your organisation' }).waitFor();
    await expectAccessible(page, 'login with sign-in');
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await passProvider(page, 'alice');
    await page.getByRole('navigation', { name: 'main' }).waitFor();
    expect(await page.locator('.who').textContent()).toContain('alice@example.com (operator)');

    await page.goto(`${up.url}/#/pools/analysis`);
    await page.getByLabel('Size').fill('3');
    await page.getByRole('button', { name: 'Scale' }).click();
    await page.getByText('desired set to 3').waitFor();
    const scaled = (await audit()).find((r) => r.action === 'PUT /api/v1/pools/:name/desired' && r.status === 200);
    expect(scaled).toMatchObject({ actor: 'alice@example.com', role: 'operator', pool: 'analysis' });
    expect(scaled!.tokenId).toMatch(/^ses-/);
    expect((await audit()).find((r) => r.action === 'auth sign-in' && r.actor === 'alice@example.com')?.params).toMatchObject({ subject: 'alice', client: 'dashboard' });

    const cookie = (await context.cookies(up.url)).find((c) => c.name === 'flotte_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect((await fetch(`${up.url}/api/v1/whoami`, withCookie(cookie.value))).status).toBe(200);
    // The cookie alone cannot change anything: a page on another site could send it too.
    const forged = await fetch(`${up.url}/api/v1/pools/analysis/desired`, withCookie(cookie.value, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"desired":4}' }));
    expect(forged.status).toBe(403);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Sign in with your organisation' }).waitFor();
    const after = await fetch(`${up.url}/api/v1/whoami`, withCookie(cookie.value));
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { message: string } }).error.message).toMatch(/sign-in has ended/);
    await context.close();
  });

  it('a viewer signs in, sees no Scale button, and is refused a change', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(up.url);
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await passProvider(page, 'bob');
    await page.getByRole('navigation', { name: 'main' }).waitFor();
    expect(await page.locator('.who').textContent()).toContain('bob@example.com (viewer)');
    await page.goto(`${up.url}/#/pools/analysis`);
    await page.getByTestId('machine-map').waitFor();
    expect(await page.getByRole('button', { name: 'Scale' }).count()).toBe(0);
    // What the dashboard would send, from the dashboard's own page: the server refuses the role.
    const status = await page.evaluate(async () => (await fetch('/api/v1/pools/analysis/desired', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-flotte-request': '1' }, body: '{"desired":5}' })).status);
    expect(status).toBe(403);
    const refused = (await audit()).find((r) => r.actor === 'bob@example.com' && r.action === 'PUT /api/v1/pools/:name/desired');
    expect(refused).toMatchObject({ role: 'viewer', status: 403, result: 'forbidden' });
    await context.close();
  });

  it('someone in no mapped group is refused at sign-in and gets no session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${up.url}/api/auth/login`);
    await passProvider(page, 'carol');
    await page.getByText(/Sign-in failed: none of your groups \(marketing\) is given a role/).waitFor();
    expect((await context.cookies(up.url)).some((c) => c.name === 'flotte_session')).toBe(false);
    await context.close();
  });

  it('`flotte login` signs in headless through the device flow; the CLI then acts as that person until `flotte logout`', async () => {
    const home = tempDir('flotte-login-');
    const env = { FLOTTE_CONFIG_DIR: join(home, 'config') };
    const login = spawn(process.execPath, [BIN, '--server', up.url, 'login'], { cwd: home, env: { ...process.env, ...env } });
    try {
      let stdout = '';
      let stderr = '';
      login.stdout.on('data', (d) => (stdout += d));
      const link = await new Promise<string>((resolve, reject) => {
        login.stderr.on('data', (d) => {
          stderr += d;
          const m = /(http:\/\/127\.0\.0\.1:\d+\/device\S*)/.exec(stderr);
          if (m) resolve(m[1]!);
        });
        login.once('exit', (code) => reject(new Error(`flotte login exited ${code}: ${stderr}`)));
      });
      const exited = new Promise<number | null>((resolve) => login.once('exit', resolve));

      // The person confirms the code on another device: here, a browser that is not the CLI's.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(link);
      await page.getByRole('button', { name: 'Continue' }).click();
      await passProvider(page, 'alice');
      await page.getByText(/success/i).first().waitFor();
      await context.close();

      expect(await exited, stderr).toBe(0);
      expect(stdout).toMatch(/signed in to .* as alice@example\.com \(operator\)/);
    } finally {
      login.kill();
    }

    const file = join(home, 'config', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = (JSON.parse(readFileSync(file, 'utf8')) as { servers: Record<string, { secret: string }> }).servers[up.url]!.secret;
    expect(secret).toMatch(/^fls_/);

    const scale = await runCli(['scale', 'analysis', '4'], { cwd: home, server: up.url, env });
    expect(scale.code, scale.stderr).toBe(0);
    const record = (await audit()).filter((r) => r.action === 'PUT /api/v1/pools/:name/desired' && r.params.body && (r.params.body as { desired?: number }).desired === 4).at(-1);
    expect(record).toMatchObject({ actor: 'alice@example.com', role: 'operator', status: 200 });

    const out = await runCli(['logout'], { cwd: home, server: up.url, env });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('signed out');
    const me = await fetch(`${up.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(401);
    const pools = await runCli(['pools'], { cwd: home, server: up.url, env });
    expect(pools.code).toBe(1);
    expect(pools.stderr).toMatch(/bearer token or a sign-in is required/);
    const whoami = (await (await fetch(`${up.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${admin}` } })).json()) as Whoami;
    expect(whoami.role).toBe('admin');
  });
});
