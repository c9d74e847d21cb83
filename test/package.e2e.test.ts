import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { killAgents } from './support/local.js';
import { freePort, ROOT, tempDir, waitFor } from './support/process.js';

/**
 * npm's variables from the `npx vitest` that runs this test would steer the npm commands below.
 * One is put back: the install compiles better-sqlite3 with node-gyp, which needs the headers of
 * the Node that will load it and cannot download them here. The machine's npmrc names the system
 * Node's; under another Node (CI runs the suite on three) the ones shipped beside it are used.
 */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include/node/common.gypi'))) env.npm_config_nodedir = prefix;
  return env;
};

/** Every process whose command line names `dir`: what this test started there (flotte up, its agents). */
function processesIn(dir: string): number[] {
  const r = spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

const dir = tempDir('flotte-package-');

/**
 * A copy of the checkout to pack: `npm pack` rebuilds dist/ (prepack), which must not happen
 * under the other suites' feet while they run bin/flotte.js from this checkout.
 */
function checkoutCopy(): string {
  const copy = tempDir('flotte-pack-src-');
  const skip = new Set(['node_modules', 'dist', '.git', '.flotte', 'test-artifacts']);
  cpSync(ROOT, copy, { recursive: true, filter: (src) => src === ROOT || !skip.has(src.slice(ROOT.length + 1).split('/')[0]!) });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}
let up: ChildProcess | undefined;

afterAll(async () => {
  // npx does not hand SIGTERM on to flotte: the group it leads is stopped instead, then the machines' agents.
  if (up?.pid !== undefined && up.exitCode === null) process.kill(-up.pid, 'SIGTERM');
  await waitFor('flotte up gone', async () => processesIn(dir).every((pid) => !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('up\0')), 30_000).catch(() => undefined);
  await killAgents(dir);
  for (const pid of processesIn(dir)) process.kill(pid, 'SIGKILL');
});

it(
  'npm pack makes a package that installs in an empty folder, where npx flotte up runs and npx flotte pools answers',
  async () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: checkoutCopy(), env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed[0]!.files.map((f) => f.path);
    // What `flotte up` needs at run time: the CLI, the compiled server with its migrations, the dashboard.
    expect(files).toEqual(expect.arrayContaining(['bin/flotte.js', 'bin/fresh-build.js', 'dist/cli/main.js', 'dist/cli/agent-main.js', 'dist/store/migrations/0001-foundation.js', 'dist/web/index.html', 'monitoring/flotte-dashboard.json', 'monitoring/flotte-alerts.yaml', 'schema/flotte.schema.json', 'package.json', 'README.md']));
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    // The only test file shipped is the monitoring pack's promtool cases, which belong to the pack.
    expect(files.filter((f) => /test|fixture|conformance|acceptance/.test(f))).toEqual(['monitoring/flotte-alerts.test.yaml']);

    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', join(dir, packed[0]!.filename)], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);

    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(spawnSync('npx', ['flotte', '--version'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' }).stdout.trim()).toBe(version);

    const port = await freePort();
    let out = '';
    up = spawn('npx', ['flotte', 'up', '--port', String(port)], { cwd: dir, env: cleanEnv(), detached: true });
    up.stdout!.on('data', (d) => (out += d));
    up.stderr!.on('data', (d) => (out += d));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`flotte up serving at ${url}`, async () => (await fetch(`${url}/healthz`)).ok && out.includes('Try:'), 120_000);
    expect(out).toContain('Try: npx flotte pools · npx flotte machines analysis · npx flotte events analysis');
    // The dashboard ships built.
    expect((await fetch(url)).headers.get('content-type')).toMatch(/text\/html/);
    // So does the API reference: its renderer is a dependency the install brought, served from there.
    expect((await fetch(`${url}/api/docs`)).status).toBe(200);
    expect((await fetch(`${url}/api/docs/swagger-ui-bundle.js`)).status).toBe(200);

    const pools = spawnSync('npx', ['flotte', '--server', url, 'pools'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
    expect(pools.stderr).toBe('');
    expect(pools.status).toBe(0);
    expect(pools.stdout).toMatch(/analysis\s+sim/);

    process.kill(-up.pid!, 'SIGTERM');
    await new Promise<void>((res) => (up!.exitCode !== null ? res() : up!.once('exit', () => res())));
    await waitFor('flotte up stopped', async () => processesIn(dir).every((pid) => !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('up\0')), 30_000);
    await killAgents(dir);
    expect(processesIn(dir)).toEqual([]);
  },
  15 * 60_000,
);
